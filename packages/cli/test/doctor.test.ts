import { createSandbox, type Sandbox } from '@mailplatform/sandbox';
import { MailPlatform } from '@mailplatform/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DnsResolver } from '../src/context.js';
import { createTestCli, expectNoLeak, type TestCli } from './helpers.js';

const notFound = Object.assign(new Error('queryTxt ENOTFOUND'), { code: 'ENOTFOUND' });
function resolver(records: Record<string, string[][]>): DnsResolver {
  return {
    resolveTxt: async (name) => {
      const found = records[name];
      if (!found) throw notFound;
      return found;
    },
    resolveMx: async () => [],
  };
}

let sandbox: Sandbox;
let cli: TestCli;
beforeAll(async () => {
  sandbox = await createSandbox({ port: 0, smtpPort: null });
});
afterAll(async () => {
  await cli?.cleanup();
  await sandbox.close();
});

async function doctorCli(records: Record<string, string[][]>): Promise<TestCli> {
  await cli?.cleanup();
  cli = await createTestCli({
    client: (o) => new MailPlatform({ ...o, maxRetries: 0 }),
    env: { MAILPLATFORM_API_KEY: sandbox.apiKey, MAILPLATFORM_BASE_URL: sandbox.url },
    overrides: { loadResolver: async () => resolver(records) },
  });
  return cli;
}

describe('doctor', () => {
  it('passes with a reachable sandbox and complete DNS; prints a table of checks', async () => {
    const c = await doctorCli({
      'shop.dk': [['v=spf1 include:spf.mailplatform.dk ~all']],
      'mp._domainkey.shop.dk': [['v=DKIM1; k=rsa; p=MIGfMA0', 'GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ']],
      '_dmarc.shop.dk': [['v=DMARC1; p=quarantine; rua=mailto:dmarc@shop.dk']],
    });
    const result = await c.run(['doctor', '--domain', 'shop.dk', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.ok).toBe(true);
    expect(report.checks.map((x: { check: string; status: string }) => `${x.check}:${x.status}`)).toEqual([
      'credentials file:pass',
      'API key:pass',
      'API reachable:pass',
      'clock skew:pass',
      'key valid:pass',
      'SPF:pass',
      'DKIM:pass',
      'DMARC:pass',
    ]);
    expect(report.checks[6].detail).toBe(
      'mp._domainkey.shop.dk: v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ',
    );
    expectNoLeak(result.stdout, sandbox.apiKey);
  });

  it('missing or duplicate records fail with exit 8; p=none warns', async () => {
    const c = await doctorCli({
      'shop.dk': [['v=spf1 -all'], ['v=spf1 include:x ~all']],
      '_dmarc.shop.dk': [['v=DMARC1; p=none']],
    });
    const result = await c.run(['doctor', '--domain', 'shop.dk', '-o', 'plain']);
    expect(result.code).toBe(8);
    const rows = result.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    expect(rows.slice(-3)).toEqual([
      ['SPF', 'fail', 'shop.dk has 2 records; exactly one is allowed'],
      ['DKIM', 'fail', 'no record at mp._domainkey.shop.dk: add the DKIM key shown for the domain'],
      ['DMARC', 'warn', '_dmarc.shop.dk: v=DMARC1; p=none (p=none only monitors)'],
    ]);
    expect(result.stderr).toBe('error: 2 check(s) failed: SPF, DKIM\n');
  });

  it('checks the key with one SDK request; the clock is read from one unauthenticated HEAD', async () => {
    const seen: { method: string; url: string; headers: Headers }[] = [];
    await cli?.cleanup();
    cli = await createTestCli({
      client: (o) => new MailPlatform({ ...o, maxRetries: 0 }),
      env: { MAILPLATFORM_API_KEY: sandbox.apiKey, MAILPLATFORM_BASE_URL: `${sandbox.url}/v1/` },
      overrides: {
        fetch: async (input, init) => {
          const request = new Request(input, init);
          seen.push({ method: request.method, url: request.url, headers: request.headers });
          return fetch(request);
        },
      },
    });
    const result = await cli.run(['doctor', '--json']);
    expect(result.code).toBe(0);
    expect(seen.map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET ${sandbox.url}/v1/me`,
      `HEAD ${sandbox.url}/v1/me`,
    ]);
    expect(seen[0]?.headers.get('user-agent')).toMatch(/^mailplatform-/);
    expect(seen[1]?.headers.get('authorization')).toBeNull();
    expect(JSON.parse(result.stdout).checks.slice(2, 5)).toEqual([
      { check: 'API reachable', status: 'pass', detail: `${sandbox.url} answered` },
      {
        check: 'clock skew',
        status: 'pass',
        detail: expect.stringMatching(/^[+-]\d+ s against the platform$/),
      },
      { check: 'key valid', status: 'pass', detail: 'test key accepted' },
    ]);
  });

  it('an unreachable API and a refused key fail', async () => {
    const c = await doctorCli({});
    const down = await c.run(['doctor', '--json'], { env: { MAILPLATFORM_BASE_URL: 'http://127.0.0.1:1' } });
    expect(down.code).toBe(8);
    expect(JSON.parse(down.stdout).checks[2]).toMatchObject({ check: 'API reachable', status: 'fail' });
    const refused = await c.run(['doctor', '--json'], {
      env: { MAILPLATFORM_API_KEY: 'mp_live_refusedrefused' },
    });
    expect(refused.code).toBe(8);
    expect(JSON.parse(refused.stdout).checks.at(-1)).toMatchObject({ check: 'key valid', status: 'fail' });
  });
});
