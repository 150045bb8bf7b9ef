import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { signWebhook } from './sign.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

async function fieldOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).field;
}

describe('signWebhook', () => {
  it('signs a known vector (HMAC-SHA256 of id.timestamp.payload, v1,base64)', async () => {
    // Vector from the Standard Webhooks specification's test suite.
    const headers = await signWebhook({
      payload: '{"test": 2432232314}',
      secret: SECRET,
      id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      timestamp: 1614265330,
    });
    expect(headers).toEqual({
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('signs bytes and the equal string alike, and a Date as whole seconds', async () => {
    const text = '{"a":"æøå"}';
    const fromString = await signWebhook({
      payload: text,
      secret: SECRET,
      id: 'msg_1',
      timestamp: 1700000000,
    });
    const fromBytes = await signWebhook({
      payload: new TextEncoder().encode(text),
      secret: SECRET,
      id: 'msg_1',
      timestamp: new Date(1700000000999),
    });
    expect(fromBytes).toEqual(fromString);
  });

  it('generates distinct ids', async () => {
    const a = await signWebhook({ payload: '{}', secret: SECRET });
    const b = await signWebhook({ payload: '{}', secret: SECRET });
    expect(a['webhook-id']).not.toBe(b['webhook-id']);
  });

  it.each(['evt.1', '', 'msg 1', 'msg_\n1'])('rejects the id %j', async (id) => {
    expect(await fieldOf(signWebhook({ payload: '{}', secret: SECRET, id }))).toBe('id');
  });

  it.each([1.5, -1, Number.NaN, new Date(Number.NaN)])('rejects the timestamp %s', async (timestamp) => {
    expect(await fieldOf(signWebhook({ payload: '{}', secret: SECRET, timestamp }))).toBe('timestamp');
  });
});
