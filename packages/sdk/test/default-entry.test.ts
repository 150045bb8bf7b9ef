import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { MailPlatform } from '../src/index.js';

const NODE_ONLY = /^(node:|undici$|undici\/|nodemailer$|nodemailer\/)/;
const srcFile = (name: string) => fileURLToPath(new URL(`../src/${name}`, import.meta.url));

/** Bundles an entry the way a Web-standard runtime would see it and returns every import in its graph. */
async function moduleGraph(entry: string): Promise<{ inputs: string[]; imports: string[] }> {
  const result = await build({
    entryPoints: [srcFile(entry)],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'neutral',
    logLevel: 'silent',
    // Node-only modules stay external, so they show up as imports instead of failing the build.
    external: ['node:*', 'undici', 'nodemailer', 'zod'],
  });
  const inputs = Object.keys(result.metafile.inputs);
  const imports = Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((i) => i.path));
  return { inputs, imports };
}

describe('the default (edge) entry', () => {
  it('imports nothing from node:*, undici, nodemailer or zod, even dynamically', async () => {
    const { inputs, imports } = await moduleGraph('index.ts');
    expect(inputs.some((file) => file.endsWith('src/client.ts'))).toBe(true);
    expect(imports.filter((path) => NODE_ONLY.test(path) || path === 'zod')).toEqual([]);
    expect(
      inputs.filter((file) => /smtp\/|undici-transport|attachments-node|platform-node/.test(file)),
    ).toEqual([]);
  });

  it('the same check catches the Node entry (it can fail)', async () => {
    const { imports } = await moduleGraph('index.node.ts');
    expect(imports).toContain('undici');
    expect(imports.some((path) => path.startsWith('node:'))).toBe(true);
  });

  it('sends through an injected fetch', async () => {
    const seen: { url: string; method: string; authorization: string | null; body: unknown }[] = [];
    const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
      const headers = new Headers(init?.headers);
      seen.push({
        url: String(input),
        method: init?.method ?? 'GET',
        authorization: headers.get('authorization'),
        body: JSON.parse(String(init?.body)),
      });
      return Response.json(
        {
          id: 'msg_1',
          status: 'queued',
          stream: 'transactional',
          submittedAt: '2025-03-14T07:59:58.120Z',
          recipients: [],
        },
        { status: 202 },
      );
    };
    const mp = new MailPlatform({ apiKey: 'mp_test_edge1234', baseUrl: 'https://api.example.test', fetch });
    const result = await mp.messages.send({
      from: 'ordre@shop.dk',
      to: ['kunde@example.dk'],
      subject: 'Hej',
      text: 'Hej',
    });
    expect(result).toMatchObject({ id: 'msg_1', status: 'queued', replayed: false });
    expect(seen).toEqual([
      {
        url: 'https://api.example.test/v1/messages',
        method: 'POST',
        authorization: 'Bearer mp_test_edge1234',
        body: { from: 'ordre@shop.dk', to: ['kunde@example.dk'], subject: 'Hej', text: 'Hej' },
      },
    ]);
  });
});
