import { createMemoryDedupeStore, handleWebhookRequest, signWebhook } from '@mailplatform/sdk/webhooks';
import { describe, expect, it } from 'vitest';
import { report, SOAK, seeded } from './helpers.js';

const prng = seeded('S9');
const N = SOAK ? 20_000 : 1_000;
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const secretOf = (label: string): string =>
  `whsec_${Buffer.from(Array.from({ length: 32 }, (_, i) => Math.floor(prng.at(label, i) * 256))).toString('base64')}`;
export const OLD_SECRET = secretOf('old');
export const NEW_SECRET = secretOf('new');
const WRONG_SECRET = secretOf('wrong');

type Kind = 'valid' | 'rotated' | 'duplicate' | 'stale' | 'tampered' | 'wrong-secret';
const EXPECTED_REASON: Partial<Record<Kind, string>> = {
  stale: 'timestamp_out_of_tolerance',
  tampered: 'no_matching_signature',
  'wrong-secret': 'no_matching_signature',
};

function body(id: string): string {
  return JSON.stringify({
    id,
    type: 'message.delivered',
    timestamp: new Date(NOW).toISOString(),
    data: { messageId: `msg_${id}`, recipient: 'kunde@kunde.example' },
  });
}

async function delivery(kind: Kind, id: string): Promise<Request> {
  const payload = body(id);
  const seconds = Math.floor(NOW / 1000) - (kind === 'stale' ? 6 * 60 : prng.int(0, 30));
  const secret = kind === 'rotated' ? NEW_SECRET : kind === 'wrong-secret' ? WRONG_SECRET : OLD_SECRET;
  const headers = await signWebhook({ payload, secret, id, timestamp: seconds });
  const sent = kind === 'tampered' ? payload.replace('kunde@kunde.example', 'evil@kunde.example') : payload;
  return new Request('http://127.0.0.1/webhooks', {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: sent,
  });
}

describe('S9 webhook receiver under duplicate, stale, tampered, wrong-secret and rotated deliveries', () => {
  it(`${N} deliveries: each valid event handled once, invalid → 400 with the reason, duplicates → 200 without a call`, {
    timeout: 60_000,
  }, async () => {
    const handled = new Map<string, number>();
    const options = {
      secret: [OLD_SECRET, NEW_SECRET],
      dedupe: createMemoryDedupeStore({ now: () => NOW }),
      now: () => NOW,
      on: (event: { id: string }) => {
        handled.set(event.id, (handled.get(event.id) ?? 0) + 1);
      },
    };
    const validIds: string[] = [];
    const counts: Record<Kind, number> = {
      valid: 0,
      rotated: 0,
      duplicate: 0,
      stale: 0,
      tampered: 0,
      'wrong-secret': 0,
    };
    let wrongAnswers = 0;
    for (let i = 0; i < N; i++) {
      const roll = prng.next();
      let kind: Kind =
        roll < 0.1
          ? 'duplicate'
          : roll < 0.15
            ? 'stale'
            : roll < 0.2
              ? 'tampered'
              : roll < 0.22
                ? 'wrong-secret'
                : roll < 0.25
                  ? 'rotated'
                  : 'valid';
      if (kind === 'duplicate' && validIds.length === 0) kind = 'valid';
      const id =
        kind === 'duplicate' ? (validIds[prng.int(0, validIds.length - 1)] as string) : `evt_s9_${i}`;
      counts[kind]++;
      const response = await handleWebhookRequest(await delivery(kind, id), options);
      const answer = (await response.json()) as {
        ok?: boolean;
        duplicate?: boolean;
        error?: { reason: string };
      };
      const reason = EXPECTED_REASON[kind];
      const right =
        reason !== undefined
          ? response.status === 400 && answer.error?.reason === reason
          : kind === 'duplicate'
            ? response.status === 200 && answer.duplicate === true
            : response.status === 200 && answer.ok === true && answer.duplicate === undefined;
      if (!right) wrongAnswers++;
      if (kind === 'valid' || kind === 'rotated') validIds.push(id);
    }
    expect(wrongAnswers).toBe(0);
    expect(handled.size).toBe(validIds.length);
    expect([...handled.values()].every((count) => count === 1)).toBe(true);
    for (const kind of ['duplicate', 'stale', 'tampered', 'wrong-secret', 'rotated'] as const) {
      expect(counts[kind]).toBeGreaterThan(0);
    }
    report({
      scenario: 'S9',
      n: N,
      seed: prng.seed,
      delivered: handled.size,
      duplicated: [...handled.values()].filter((count) => count > 1).length,
      lost: validIds.length - handled.size,
      attemptsPerSend: 1,
      extra: counts,
    });
  });

  // The handler claims an id while it runs: a concurrent redelivery gets 409 and is retried later.
  // The first handler call is held until the other delivery has been answered (an event, not a timer).
  it('a redelivery arriving while the first is still being handled does not run the handler twice', async () => {
    const handled: string[] = [];
    let release = (): void => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const options = {
      secret: OLD_SECRET,
      dedupe: createMemoryDedupeStore({ now: () => NOW }),
      now: () => NOW,
      on: async (event: { id: string }) => {
        handled.push(event.id);
        // a second call means the claim failed: let both finish so the test fails at once
        if (handled.length > 1) release();
        await held;
      },
    };
    const deliveries = [
      handleWebhookRequest(await delivery('valid', 'evt_s9_race'), options),
      handleWebhookRequest(await delivery('valid', 'evt_s9_race'), options),
    ];
    const first = await Promise.race(deliveries);
    expect(first.status).toBe(409);
    release();
    const responses = await Promise.all(deliveries);
    expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(handled).toEqual(['evt_s9_race']);
  });
});
