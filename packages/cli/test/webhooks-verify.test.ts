import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { signWebhook } from '@mailplatform/sdk/webhooks';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCli, expectNoLeak, type TestCli } from './helpers.js';

const SECRET = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
const OTHER = `whsec_${Buffer.from('ffffffffffffffffffffffffffffffff').toString('base64')}`;
const NOW = new Date('2025-03-14T08:00:00Z');
const TS = Math.floor(NOW.getTime() / 1000);
const event = {
  type: 'message.bounced',
  timestamp: '2025-03-14T08:00:00.000Z',
  data: { messageId: 'msg_1', recipient: 'a@b.dk' },
};
const body = JSON.stringify(event);

let cli: TestCli;
let headers: Record<string, string>;
let file: string;
beforeAll(async () => {
  cli = await createTestCli({ now: NOW });
  headers = await signWebhook({ payload: body, secret: SECRET, id: 'evt_1', timestamp: TS });
  file = join(cli.home, 'body.json');
  await writeFile(file, body);
});
afterAll(() => cli.cleanup());

const headerArgs = (h: Record<string, string>) =>
  Object.entries(h).flatMap(([k, v]) => ['--header', `${k}: ${v}`]);

interface Delivery {
  secret?: string;
  payload?: string;
  signed?: Record<string, string>;
}

/** Runs `webhooks verify` with `--secret`, `--payload` and the signed headers, then any extra flags. */
const verify = ({ secret = SECRET, payload = file, signed = headers }: Delivery = {}, ...extra: string[]) =>
  cli.run(['webhooks', 'verify', '--secret', secret, '--payload', payload, ...headerArgs(signed), ...extra]);

describe('webhooks verify', () => {
  it('accepts a valid delivery (and agrees with the standardwebhooks package)', async () => {
    const reference = new Webhook(SECRET).sign('evt_1', NOW, body);
    expect(reference).toBe(headers['webhook-signature']);
    const result = await verify({}, '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      valid: true,
      id: 'evt_1',
      timestamp: TS,
      skewSeconds: 0,
      type: 'message.bounced',
      secretIndex: 0,
    });
    expectNoLeak(result.stdout + result.stderr, SECRET);
  });

  it('reads the body from stdin and the secrets (rotation) from the environment', async () => {
    const result = await cli.run(['webhooks', 'verify', '--payload', '-', ...headerArgs(headers)], {
      stdin: body,
      env: { MAILPLATFORM_WEBHOOK_SECRET: `${OTHER},${SECRET}` },
    });
    expect(result).toMatchObject({
      code: 0,
      stdout: 'valid: evt_1 (message.bounced), signed 0 s ago with secret #2\n',
    });
  });

  it('names a missing header (exit 9)', async () => {
    const { 'webhook-signature': _, ...rest } = headers;
    const result = await verify({ signed: rest }, '--json');
    expect(result.code).toBe(9);
    expect(JSON.parse(result.stderr).error).toMatchObject({
      code: 'webhook_missing_header',
      message: 'missing header webhook-signature',
    });
  });

  it('reports the skew', async () => {
    const old = await signWebhook({ payload: body, secret: SECRET, id: 'evt_1', timestamp: TS - 412 });
    const result = await verify({ signed: old });
    expect(result.code).toBe(9);
    expect(result.stderr).toContain('error: the timestamp is 412 s in the past (tolerance ±300 s)');
    const ok = await verify({ signed: old }, '--tolerance', '600');
    expect(ok.code).toBe(0);
  });

  it('says the secret is wrong or the body changed', async () => {
    const result = await verify({ secret: OTHER });
    expect(result.code).toBe(9);
    expect(result.stderr).toContain('error: no signature matched: the secret is wrong or the body changed');
    expectNoLeak(result.stderr, OTHER);
  });

  it('points at re-serialisation when the body was pretty-printed after signing', async () => {
    const pretty = join(cli.home, 'pretty.json');
    await writeFile(pretty, JSON.stringify(event, null, 2));
    const result = await verify({ payload: pretty }, '--json');
    expect(result.code).toBe(9);
    const error = JSON.parse(result.stderr).error;
    expect(error.code).toBe('webhook_no_matching_signature');
    expect(error.hint).toMatch(
      /^the signature matches the compact form of this JSON: the body was re-serialised after signing/,
    );
  });

  it('needs a secret (exit 2)', async () => {
    const result = await cli.run(['webhooks', 'verify', '--payload', file, ...headerArgs(headers)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: no secret');
  });
});
