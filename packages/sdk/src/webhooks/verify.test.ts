import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { ConfigError, type WebhookVerificationReason } from '../errors.js';
import { encodeBase64 } from './base64.js';
import { signWebhook } from './sign.js';
import { verifyWebhook } from './verify.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OTHER_SECRET = 'whsec_b2xkIHNlY3JldCBvbGQgc2VjcmV0IG9sZCEh';
const TS = 1_741_939_204;
const NOW = () => TS * 1000;
const EVENT = {
  id: 'evt_01JPB0AAAAAAAAAAAAAAAAAAAA',
  type: 'message.bounced',
  timestamp: '2025-03-14T08:00:04.512Z',
  apiVersion: 'v1',
  data: { messageId: 'msg_01JPA6', recipient: 'gammel@example.dk', bounce: { class: 'hard' } },
};
const BODY = JSON.stringify(EVENT);

async function signed(body: string = BODY, secret = SECRET, timestamp = TS) {
  return signWebhook({ payload: body, secret, id: EVENT.id, timestamp });
}

async function reasonOf(promise: Promise<unknown>): Promise<WebhookVerificationReason | 'resolved'> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    expect(error).toMatchObject({ name: 'WebhookVerificationError' });
    return (error as { reason: WebhookVerificationReason }).reason;
  }
}

describe('verifyWebhook', () => {
  it('returns the parsed event for a valid signature', async () => {
    const headers = await signed();
    await expect(verifyWebhook({ payload: BODY, headers, secret: SECRET, now: NOW })).resolves.toEqual(EVENT);
  });

  it('accepts a Uint8Array body and a Headers object with any header-name case', async () => {
    const h = await signed();
    const headers = new Headers({
      'Webhook-Id': h['webhook-id'],
      'WEBHOOK-TIMESTAMP': h['webhook-timestamp'],
      'webhook-Signature': h['webhook-signature'],
    });
    const payload = new TextEncoder().encode(BODY);
    await expect(verifyWebhook({ payload, headers, secret: SECRET, now: NOW })).resolves.toEqual(EVENT);
  });

  it('reads a record with mixed-case keys and array values', async () => {
    const h = await signed();
    const headers = {
      'Webhook-ID': [h['webhook-id']],
      'Webhook-Timestamp': h['webhook-timestamp'],
      'Webhook-Signature': ['v1,AAAA', h['webhook-signature']],
      other: undefined,
    };
    await expect(verifyWebhook({ payload: BODY, headers, secret: SECRET, now: NOW })).resolves.toEqual(EVENT);
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const)(
    'missing_header when %s is absent or empty',
    async (name) => {
      const headers: Record<string, string> = { ...(await signed()) };
      delete headers[name];
      expect(await reasonOf(verifyWebhook({ payload: BODY, headers, secret: SECRET, now: NOW }))).toBe(
        'missing_header',
      );
      headers[name] = '';
      expect(await reasonOf(verifyWebhook({ payload: BODY, headers, secret: SECRET, now: NOW }))).toBe(
        'missing_header',
      );
    },
  );

  it.each(['abc', '17419392.04', '-1741939204', '1e9', '0x10'])(
    'invalid_timestamp for %j',
    async (timestamp) => {
      const headers = { ...(await signed()), 'webhook-timestamp': timestamp };
      expect(await reasonOf(verifyWebhook({ payload: BODY, headers, secret: SECRET, now: NOW }))).toBe(
        'invalid_timestamp',
      );
    },
  );

  it('accepts timestamps up to the tolerance in both directions and rejects one second beyond', async () => {
    for (const offset of [-300, 300]) {
      const headers = await signed(BODY, SECRET, TS + offset);
      await expect(verifyWebhook({ payload: BODY, headers, secret: SECRET, now: NOW })).resolves.toEqual(
        EVENT,
      );
    }
    for (const offset of [-301, 301]) {
      const headers = await signed(BODY, SECRET, TS + offset);
      expect(await reasonOf(verifyWebhook({ payload: BODY, headers, secret: SECRET, now: NOW }))).toBe(
        'timestamp_out_of_tolerance',
      );
    }
  });

  it('honours a custom tolerance', async () => {
    const headers = await signed(BODY, SECRET, TS - 11);
    expect(
      await reasonOf(verifyWebhook({ payload: BODY, headers, secret: SECRET, now: NOW, tolerance: 10 })),
    ).toBe('timestamp_out_of_tolerance');
    await expect(
      verifyWebhook({ payload: BODY, headers, secret: SECRET, now: NOW, tolerance: 11 }),
    ).resolves.toEqual(EVENT);
  });

  it('no_matching_signature for a tampered body', async () => {
    const headers = await signed();
    const tampered = BODY.replace('hard', 'soft');
    expect(await reasonOf(verifyWebhook({ payload: tampered, headers, secret: SECRET, now: NOW }))).toBe(
      'no_matching_signature',
    );
  });

  it('no_matching_signature for a re-serialised body (whitespace)', async () => {
    const headers = await signed();
    const pretty = JSON.stringify(EVENT, null, 2);
    expect(await reasonOf(verifyWebhook({ payload: pretty, headers, secret: SECRET, now: NOW }))).toBe(
      'no_matching_signature',
    );
  });

  it('no_matching_signature for the wrong secret', async () => {
    const headers = await signed();
    expect(await reasonOf(verifyWebhook({ payload: BODY, headers, secret: OTHER_SECRET, now: NOW }))).toBe(
      'no_matching_signature',
    );
  });

  it('supports rotation: any secret of the list may match', async () => {
    const headers = await signed(BODY, SECRET);
    await expect(
      verifyWebhook({ payload: BODY, headers, secret: [OTHER_SECRET, SECRET], now: NOW }),
    ).resolves.toEqual(EVENT);
    await expect(
      verifyWebhook({ payload: BODY, headers, secret: [SECRET, OTHER_SECRET], now: NOW }),
    ).resolves.toEqual(EVENT);
    expect(
      await reasonOf(
        verifyWebhook({
          payload: BODY,
          headers,
          secret: [OTHER_SECRET, 'whsec_AAAAAAAAAAAAAAAAAAAA'],
          now: NOW,
        }),
      ),
    ).toBe('no_matching_signature');
  });

  it('accepts a header carrying several signatures (old and new secret), in any position', async () => {
    const oldSig = (await signed(BODY, OTHER_SECRET))['webhook-signature'];
    const newHeaders = await signed(BODY, SECRET);
    const both = `${oldSig} ${newHeaders['webhook-signature']}`;
    for (const secret of [SECRET, OTHER_SECRET]) {
      const headers = { ...newHeaders, 'webhook-signature': both };
      await expect(verifyWebhook({ payload: BODY, headers, secret, now: NOW })).resolves.toEqual(EVENT);
    }
  });

  it('ignores unknown versions such as v1a and malformed entries', async () => {
    const h = await signed();
    const sig = h['webhook-signature'].slice(3);
    const onlyOthers = { ...h, 'webhook-signature': `v1a,${sig} v2,${sig} ${sig} v1,not*base64` };
    expect(
      await reasonOf(verifyWebhook({ payload: BODY, headers: onlyOthers, secret: SECRET, now: NOW })),
    ).toBe('no_matching_signature');
    const mixed = { ...h, 'webhook-signature': `v1a,${sig}  v1,${sig}` };
    await expect(verifyWebhook({ payload: BODY, headers: mixed, secret: SECRET, now: NOW })).resolves.toEqual(
      EVENT,
    );
  });

  it('accepts a secret without the whsec_ prefix and as raw bytes', async () => {
    const raw = new Uint8Array(32).map((_, i) => i * 7);
    const headers = await signWebhook({ payload: BODY, secret: raw, id: EVENT.id, timestamp: TS });
    const bare = encodeBase64(raw);
    await expect(verifyWebhook({ payload: BODY, headers, secret: bare, now: NOW })).resolves.toEqual(EVENT);
    await expect(
      verifyWebhook({ payload: BODY, headers, secret: `whsec_${bare}`, now: NOW }),
    ).resolves.toEqual(EVENT);
    await expect(verifyWebhook({ payload: BODY, headers, secret: raw, now: NOW })).resolves.toEqual(EVENT);
  });

  it('rejects a malformed or empty secret with a ConfigError that does not echo it', async () => {
    const headers = await signed();
    for (const secret of ['whsec_not-base64!!', 'whsec_', []]) {
      const error = await verifyWebhook({ payload: BODY, headers, secret, now: NOW }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).code).toBe('invalid_webhook_secret');
      expect((error as Error).message).not.toContain('not-base64');
    }
  });

  it('malformed_payload for a signed body that is not JSON, not UTF-8 or not an envelope', async () => {
    const bodies: (string | Uint8Array)[] = [
      'not json',
      new Uint8Array([0x7b, 0xff, 0x7d]),
      '[]',
      '"message.bounced"',
      JSON.stringify({ ...EVENT, type: 'bounced' }),
      JSON.stringify({ ...EVENT, id: 42 }),
      JSON.stringify({ ...EVENT, data: null }),
      JSON.stringify({ id: EVENT.id, type: EVENT.type, data: {} }),
    ];
    for (const payload of bodies) {
      const headers = await signWebhook({ payload, secret: SECRET, id: EVENT.id, timestamp: TS });
      expect(await reasonOf(verifyWebhook({ payload, headers, secret: SECRET, now: NOW }))).toBe(
        'malformed_payload',
      );
    }
  });

  it('checks the signature before parsing: an unsigned non-JSON body is no_matching_signature', async () => {
    const headers = await signed();
    expect(await reasonOf(verifyWebhook({ payload: 'not json', headers, secret: SECRET, now: NOW }))).toBe(
      'no_matching_signature',
    );
  });

  it('accepts unknown but well-formed event types (forward compatible)', async () => {
    const body = JSON.stringify({ ...EVENT, type: 'message.new_kind' });
    const headers = await signed(body);
    await expect(verifyWebhook({ payload: body, headers, secret: SECRET, now: NOW })).resolves.toMatchObject({
      type: 'message.new_kind',
    });
  });
});

describe('interop with the reference standardwebhooks package', () => {
  it('verifies what Webhook#sign produced', async () => {
    const now = new Date();
    const signature = new Webhook(SECRET).sign('msg_interop1', now, BODY);
    const headers = {
      'webhook-id': 'msg_interop1',
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signature,
    };
    await expect(verifyWebhook({ payload: BODY, headers, secret: SECRET })).resolves.toEqual(EVENT);
  });

  it('produces headers that Webhook#verify accepts, and rejects after tampering', async () => {
    const headers = await signWebhook({ payload: BODY, secret: SECRET });
    expect(headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(Number(headers['webhook-timestamp'])).toBeCloseTo(Date.now() / 1000, -1);
    expect(new Webhook(SECRET).verify(BODY, { ...headers })).toEqual(EVENT);
    expect(() => new Webhook(SECRET).verify(`${BODY} `, { ...headers })).toThrow(
      'No matching signature found',
    );
  });

  it('agrees byte for byte on the signature for a fixed id and timestamp', async () => {
    const ours = await signWebhook({ payload: BODY, secret: SECRET, id: 'msg_fixed', timestamp: TS });
    expect(ours['webhook-signature']).toBe(new Webhook(SECRET).sign('msg_fixed', new Date(TS * 1000), BODY));
  });
});

describe('any single-byte change fails verification (property)', () => {
  const payload = new TextEncoder().encode(BODY);
  const ID = 'msg_2mCr9v0rMZ7ukpFvOrdn4bGQkfE';
  const verify = (body: Uint8Array, headers: Record<string, string>) =>
    reasonOf(verifyWebhook({ payload: body, headers, secret: SECRET, now: NOW, tolerance: 1e15 }));

  it('in the body', async () => {
    const headers = { ...(await signWebhook({ payload, secret: SECRET, id: ID, timestamp: TS })) };
    await fc.assert(
      fc.asyncProperty(fc.nat(payload.length - 1), fc.integer({ min: 1, max: 255 }), async (index, delta) => {
        const changed = payload.slice();
        changed[index] = (payload[index]! + delta) % 256;
        expect(await verify(changed, headers)).toBe('no_matching_signature');
      }),
      { numRuns: 200 },
    );
  });

  it('in the webhook-id', async () => {
    const headers = { ...(await signWebhook({ payload, secret: SECRET, id: ID, timestamp: TS })) };
    await fc.assert(
      fc.asyncProperty(fc.nat(ID.length - 1), fc.integer({ min: 0x21, max: 0x7e }), async (index, code) => {
        fc.pre(ID.charCodeAt(index) !== code);
        const id = ID.slice(0, index) + String.fromCharCode(code) + ID.slice(index + 1);
        expect(await verify(payload, { ...headers, 'webhook-id': id })).toBe('no_matching_signature');
      }),
      { numRuns: 200 },
    );
  });

  it('in the webhook-timestamp', async () => {
    const headers = { ...(await signWebhook({ payload, secret: SECRET, id: ID, timestamp: TS })) };
    const stamp = String(TS);
    await fc.assert(
      fc.asyncProperty(fc.nat(stamp.length - 1), fc.integer({ min: 0, max: 255 }), async (index, code) => {
        fc.pre(stamp.charCodeAt(index) !== code);
        const changed = stamp.slice(0, index) + String.fromCharCode(code) + stamp.slice(index + 1);
        const expected = /^[0-9]+$/.test(changed) ? 'no_matching_signature' : 'invalid_timestamp';
        expect(await verify(payload, { ...headers, 'webhook-timestamp': changed })).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });
});
