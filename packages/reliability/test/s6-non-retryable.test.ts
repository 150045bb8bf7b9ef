import {
  AuthenticationError,
  BadRequestError,
  IdempotencyKeyReusedError,
  MailPlatform,
  NotFoundError,
  PermissionDeniedError,
} from '@mailplatform/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaultApiServer, type FaultApiServer } from '../src/fault-api-server.js';
import { runPool } from '../src/run-pool.js';
import { type Cli, createCli } from './cli.js';
import { API_KEY, client, FAST_BACKOFF, message, report, seeded } from './helpers.js';

const prng = seeded('S6');
const PER_STATUS = 200;
const WRONG_KEY = 'mp_test_WrongKeyWrongKeyWrongKey0000';
let server: FaultApiServer;
let cli: Cli;

/** `[status:403]` in the subject makes the server answer that status (without storing anything). */
const statusRule = (subject: unknown) => /\[status:(\d{3})\]/.exec(String(subject))?.[1];

beforeAll(async () => {
  server = await createFaultApiServer({
    apiKey: API_KEY,
    faults: (context) => {
      const status = statusRule((context.body as { subject?: unknown } | undefined)?.subject);
      if (status === undefined) return undefined;
      const code = { '400': 'bad_request', '403': 'forbidden', '404': 'not_found' }[status] ?? 'error';
      return { kind: 'status', status: Number(status), code };
    },
  });
  cli = await createCli({ MAILPLATFORM_API_KEY: API_KEY, MAILPLATFORM_BASE_URL: server.url });
});
afterAll(async () => {
  await server.close();
  await cli.cleanup();
});

describe('S6 non-retryable statuses: exactly one attempt, the right class, the CLI exit code', () => {
  const cases = [
    { status: 400, error: BadRequestError },
    { status: 401, error: AuthenticationError },
    { status: 403, error: PermissionDeniedError },
    { status: 404, error: NotFoundError },
    { status: 422, error: IdempotencyKeyReusedError },
  ] as const;

  for (const { status, error: ErrorClass } of cases) {
    it(`${PER_STATUS} × ${status} → ${ErrorClass.name}, 1 attempt each`, { timeout: 60_000 }, async () => {
      const mp =
        status === 401
          ? new MailPlatform({ apiKey: WRONG_KEY, baseUrl: server.url, maxRetries: 3, backoff: FAST_BACKOFF })
          : client(server, { maxRetries: 3 });
      const refs = Array.from({ length: PER_STATUS }, (_, i) => `s6-${status}-${i}`);
      const requestsBefore = server.truth.requests;
      const errors: unknown[] = [];
      await runPool(refs, 20, async (ref) => {
        try {
          if (status === 404) {
            await mp.messages.get(`msg_missing_${ref}`);
          } else if (status === 422) {
            await mp.messages.send(message(`${ref}-original`), { idempotencyKey: `key-${ref}` });
            await mp.messages.send(message(ref), { idempotencyKey: `key-${ref}` });
          } else {
            await mp.messages.send(message(ref, { subject: `Ordre ${ref} [status:${status}]` }));
          }
          errors.push(undefined);
        } catch (error) {
          errors.push(error);
        }
      });
      await mp.close();
      const attempts = server.truth.attemptsPerRef();
      for (const error of errors) {
        expect(error).toBeInstanceOf(ErrorClass);
        expect(error).toMatchObject({ status, attempts: 1, retryable: false });
      }
      const perRef = refs.map((ref) =>
        status === 404 ? attempts.get(`GET /v1/messages/msg_missing_${ref}`) : attempts.get(ref),
      );
      expect(perRef).toEqual(refs.map(() => 1));
      const extra = status === 422 ? PER_STATUS : 0;
      expect(server.truth.requests - requestsBefore).toBe(PER_STATUS + extra);
      expect(server.truth.duplicates()).toEqual([]);
      report({
        scenario: `S6/${status}`,
        n: PER_STATUS,
        seed: prng.seed,
        delivered: 0,
        duplicated: 0,
        lost: 0,
        attemptsPerSend: (server.truth.requests - requestsBefore - extra) / PER_STATUS,
        extra: { error: ErrorClass.name },
      });
    });
  }

  const send = (subject: string, extra: string[] = []) => [
    'send',
    '--from',
    'ordre@shop.example',
    '--to',
    'kunde@kunde.example',
    '--subject',
    subject,
    '--text',
    'Tak',
    ...extra,
  ];

  it('CLI exit codes: 400 → 10, 401 → 4, 403 → 4, 404 → 5', { timeout: 30_000 }, async () => {
    const before = server.truth.requests;
    expect((await cli.run(send('Ordre [status:400]'))).code).toBe(10);
    expect((await cli.run(send('Ordre'), { env: { MAILPLATFORM_API_KEY: WRONG_KEY } })).code).toBe(4);
    expect((await cli.run(send('Ordre [status:403]'))).code).toBe(4);
    expect((await cli.run(['messages', 'get', 'msg_missing_cli'])).code).toBe(5);
    expect(server.truth.requests - before).toBe(4);
  });

  // A reused idempotency key is a caller bug, not a rejected message: reliability.md S6 wants exit 1.
  it('CLI exit code for a reused idempotency key (422 idempotency_key_reused) is 1', {
    timeout: 30_000,
  }, async () => {
    const first = await cli.run(send('Ordre 1', ['--idempotency-key', 'cli-order-1042:confirmation']));
    expect(first.code).toBe(0);
    const reused = await cli.run(send('Ordre 2', ['--idempotency-key', 'cli-order-1042:confirmation']));
    expect(reused.stderr).toContain('idempotency_key_reused');
    expect(reused.code).toBe(1);
  });
});
