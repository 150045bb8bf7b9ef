import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the fault layer does with one request. Nothing is committed unless the kind says so. */
export type ApiFault =
  /** Answer with this status (and headers) without processing: a 5xx is never stored. */
  | { kind: 'status'; status: number; code?: string; headers?: Record<string, string> }
  /** Process and store the request, then destroy the socket before writing a response. */
  | { kind: 'commit-then-reset' }
  /** Process and store the request, then wait `ms` before answering (the client has usually gone). */
  | { kind: 'commit-then-hang'; ms: number }
  /** Keep the key in flight for `ms` (a retry meanwhile gets 409), then store it and answer. */
  | { kind: 'slow-commit'; ms: number }
  /** Keep the key in flight until `until` settles (an event, not a timer), then store it and answer. */
  | { kind: 'slow-commit'; until: Promise<unknown> }
  /** Destroy the socket before processing anything. */
  | { kind: 'reset' };

export interface FaultContext {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  /** `X-MP-Retry-Count` as sent by the client (0 on a first attempt). */
  retryCount: number;
  /** Attempt number of this logical request at the server, 1-based (per idempotency key, else per path). */
  attempt: number;
  /** The message's `clientReference` (first message of a batch), else the idempotency key, else the path. */
  ref: string;
  body: unknown;
  now: number;
}

export type FaultRule = (context: FaultContext) => ApiFault | undefined;

/** One committed (stored) processing of a request: ground truth. */
export interface Commit {
  idempotencyKey: string | undefined;
  path: string;
  ids: string[];
  refs: (string | undefined)[];
  at: number;
}

export interface AttemptRecord {
  ref: string;
  retryCount: number;
  at: number;
  /** The status written, or `reset`/`hang` when none reached the client in time. */
  outcome: number | 'reset' | 'hang';
  /** The wait hint sent with the answer, in ms (`retry-after-ms` or `Retry-After`). */
  hintMs: number | undefined;
  duringOutage: boolean;
}

export interface GroundTruth {
  /** Every stored processing, in order. */
  readonly commits: readonly Commit[];
  /** How often each idempotency key was stored: more than 1 is a duplicate send. */
  commitsPerKey(): Map<string, number>;
  /** Message ids per `clientReference`: more than one id for one logical send is a duplicate. */
  idsPerRef(): Map<string, Set<string>>;
  /** Keys stored more than once, plus refs with more than one message id. */
  duplicates(): string[];
  hasMessage(id: string): boolean;
  /** Requests that reached the handler, per ref. */
  attemptsPerRef(): Map<string, number>;
  /** Every request, when `recordAttempts` is on. */
  readonly attempts: readonly AttemptRecord[];
  requests: number;
  replays: number;
}

export interface FaultApiServerOptions {
  apiKey: string;
  faults?: FaultRule;
  /** Time source for the 72 h key retention and the attempt log (default `Date.now`). */
  now?: () => number;
  /** Keep an `AttemptRecord` per request (memory grows with the run). Default false. */
  recordAttempts?: boolean;
}

export interface FaultApiServer {
  url: string;
  truth: GroundTruth;
  /** While true, every request is answered 503 and counted as during the outage. */
  outage: boolean;
  /** Replace the fault rule (between phases of a scenario). */
  setFaults(rule: FaultRule | undefined): void;
  /** Resolves once no held answer (slow commit, commit then hang) is pending. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export const IDEMPOTENCY_RETENTION_MS = 72 * 60 * 60 * 1000;

interface StoredAnswer {
  fingerprint: string;
  state: 'in_flight' | 'done';
  status: number;
  body: string;
  storedAt: number;
}

interface StoredMessage {
  id: string;
  to: string[];
  subject: string | undefined;
  clientReference: string | undefined;
  submittedAt: string;
}

function problem(status: number, code: string, detail: string, requestId: string): string {
  return JSON.stringify({ type: 'about:blank', title: detail, status, code, detail, requestId });
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function recipientsOf(message: Record<string, unknown>): string[] {
  const to = message.to;
  const list = Array.isArray(to) ? to : [to];
  return list.map((entry) =>
    typeof entry === 'string' ? entry : String((entry as { email?: unknown } | null)?.email ?? ''),
  );
}

function hintOf(headers: Record<string, string> | undefined): number | undefined {
  if (headers === undefined) return undefined;
  if (headers['retry-after-ms'] !== undefined) return Number(headers['retry-after-ms']);
  if (headers['retry-after'] !== undefined) return Number(headers['retry-after']) * 1000;
  return undefined;
}

/**
 * A fake of the platform's send API on 127.0.0.1 (reliability.md "Fake API server"): `POST
 * /v1/messages`, `POST /v1/messages/batch`, `GET /v1/messages/:id` with the idempotency semantics
 * (72 h retention, replay with `Idempotent-Replayed`, 409 while in flight, 422 on a reused key, 5xx
 * never stored), a fault layer, and ground truth of everything it stored.
 */
export async function createFaultApiServer(options: FaultApiServerOptions): Promise<FaultApiServer> {
  const now = options.now ?? Date.now;
  let faults = options.faults;
  const answers = new Map<string, StoredAnswer>();
  const messages = new Map<string, StoredMessage>();
  const commits: Commit[] = [];
  const attempts: AttemptRecord[] = [];
  const attemptCounts = new Map<string, number>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let nextId = 0;
  let nextRequest = 0;
  const truth = {
    commits,
    attempts,
    requests: 0,
    replays: 0,
    commitsPerKey(): Map<string, number> {
      const counts = new Map<string, number>();
      for (const commit of commits) {
        if (commit.idempotencyKey !== undefined) {
          counts.set(commit.idempotencyKey, (counts.get(commit.idempotencyKey) ?? 0) + 1);
        }
      }
      return counts;
    },
    idsPerRef(): Map<string, Set<string>> {
      const ids = new Map<string, Set<string>>();
      for (const commit of commits) {
        commit.refs.forEach((ref, index) => {
          if (ref === undefined) return;
          const set = ids.get(ref) ?? new Set<string>();
          set.add(commit.ids[index] as string);
          ids.set(ref, set);
        });
      }
      return ids;
    },
    duplicates(): string[] {
      const out: string[] = [];
      for (const [key, count] of truth.commitsPerKey()) if (count > 1) out.push(`key ${key} ×${count}`);
      for (const [ref, ids] of truth.idsPerRef()) if (ids.size > 1) out.push(`ref ${ref} ×${ids.size}`);
      return out;
    },
    hasMessage: (id: string) => messages.has(id),
    attemptsPerRef: () => new Map(attemptCounts),
  };
  const server = {
    url: '',
    truth: truth as GroundTruth,
    outage: false,
    setFaults(rule: FaultRule | undefined) {
      faults = rule;
    },
    idle: () => (pending === 0 ? Promise.resolve() : new Promise<void>((resolve) => onIdle.push(resolve))),
    close: async () => {},
  };

  let pending = 0;
  const onIdle: (() => void)[] = [];
  const settle = (): void => {
    pending = Math.max(0, pending - 1);
    if (pending === 0) for (const resolve of onIdle.splice(0)) resolve();
  };
  const later = (ms: number, fn: () => void): void => {
    pending++;
    const timer = setTimeout(() => {
      timers.delete(timer);
      try {
        fn();
      } finally {
        settle();
      }
    }, ms);
    timers.add(timer);
  };
  const after = (until: Promise<unknown>, fn: () => void): void => {
    pending++;
    const run = (): void => {
      try {
        fn();
      } finally {
        settle();
      }
    };
    until.then(run, run);
  };

  function store(
    path: string,
    key: string | undefined,
    body: Record<string, unknown>,
  ): { status: number; text: string } {
    const list = path === '/v1/messages/batch' ? (body.messages as Record<string, unknown>[]) : [body];
    const submittedAt = new Date(now()).toISOString();
    const ids: string[] = [];
    const refs: (string | undefined)[] = [];
    const results = list.map((message, index) => {
      const id = `msg_${(++nextId).toString(36).padStart(10, '0')}`;
      const clientReference =
        typeof message.clientReference === 'string' ? message.clientReference : undefined;
      const to = recipientsOf(message);
      messages.set(id, {
        id,
        to,
        subject: typeof message.subject === 'string' ? message.subject : undefined,
        clientReference,
        submittedAt,
      });
      ids.push(id);
      refs.push(clientReference);
      return {
        index,
        id,
        status: 'queued',
        stream: typeof message.stream === 'string' ? message.stream : 'transactional',
        submittedAt,
        ...(clientReference === undefined ? {} : { clientReference }),
        recipients: to.map((email) => ({ email, type: 'to', status: 'queued' })),
      };
    });
    commits.push({ idempotencyKey: key, path, ids, refs, at: now() });
    if (path === '/v1/messages/batch') {
      return {
        status: 200,
        text: JSON.stringify({ results: results.map(({ index, id, status }) => ({ index, id, status })) }),
      };
    }
    const { index: _index, ...single } = results[0] as (typeof results)[number];
    return { status: 202, text: JSON.stringify(single) };
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = `req_${++nextRequest}`;
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const method = request.method ?? 'GET';
    const text = await readBody(request);
    truth.requests++;
    const key = request.headers['idempotency-key'];
    const idempotencyKey = typeof key === 'string' ? key : undefined;
    const retryCount = Number(request.headers['x-mp-retry-count'] ?? 0);
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    const first =
      path === '/v1/messages/batch' ? (body as { messages?: unknown[] } | undefined)?.messages?.[0] : body;
    const reference = (first as { clientReference?: unknown } | undefined)?.clientReference;
    const ref = typeof reference === 'string' ? reference : (idempotencyKey ?? `${method} ${path}`);
    const attempt = (attemptCounts.get(ref) ?? 0) + 1;
    attemptCounts.set(ref, attempt);
    const duringOutage = server.outage;
    const at = now();
    const record = (outcome: AttemptRecord['outcome'], hintMs?: number): void => {
      if (options.recordAttempts) attempts.push({ ref, retryCount, at, outcome, hintMs, duringOutage });
    };
    const send = (status: number, payload: string, headers: Record<string, string> = {}): void => {
      record(status, hintOf(headers));
      if (response.destroyed) return;
      response.writeHead(status, {
        'content-type': status >= 400 ? 'application/problem+json' : 'application/json',
        'x-request-id': requestId,
        ...headers,
      });
      response.end(payload);
    };

    if (request.headers.authorization !== `Bearer ${options.apiKey}`) {
      send(401, problem(401, 'unauthenticated', 'The API key is missing or invalid', requestId));
      return;
    }
    if (duringOutage) {
      send(503, problem(503, 'unavailable', 'Service unavailable', requestId));
      return;
    }
    const fault = faults?.({ method, path, idempotencyKey, retryCount, attempt, ref, body, now: at });
    if (fault?.kind === 'reset') {
      record('reset');
      request.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      const code = fault.code ?? (fault.status >= 500 ? 'server_error' : 'error');
      send(fault.status, problem(fault.status, code, `Injected ${fault.status}`, requestId), fault.headers);
      return;
    }

    if (method === 'GET' && path.startsWith('/v1/messages/')) {
      const message = messages.get(decodeURIComponent(path.slice('/v1/messages/'.length)));
      if (message === undefined) send(404, problem(404, 'not_found', 'No such message', requestId));
      else send(200, JSON.stringify({ ...message, status: 'queued', stream: 'transactional' }));
      return;
    }
    if (method !== 'POST' || (path !== '/v1/messages' && path !== '/v1/messages/batch')) {
      send(404, problem(404, 'not_found', `No route ${method} ${path}`, requestId));
      return;
    }
    if (typeof body !== 'object' || body === null) {
      send(400, problem(400, 'invalid_json', 'The body is not a JSON object', requestId));
      return;
    }

    const fingerprint = createHash('sha256').update(`${path}\n${text}`).digest('hex');
    if (idempotencyKey !== undefined) {
      const stored = answers.get(idempotencyKey);
      if (stored !== undefined && at - stored.storedAt > IDEMPOTENCY_RETENTION_MS)
        answers.delete(idempotencyKey);
      const current = answers.get(idempotencyKey);
      if (current !== undefined) {
        if (current.fingerprint !== fingerprint) {
          send(
            422,
            problem(
              422,
              'idempotency_key_reused',
              'The idempotency key was used with another request',
              requestId,
            ),
          );
          return;
        }
        if (current.state === 'in_flight') {
          send(
            409,
            problem(
              409,
              'idempotency_request_in_progress',
              'A request with this key is in progress',
              requestId,
            ),
            { 'retry-after': '1' },
          );
          return;
        }
        truth.replays++;
        send(current.status, current.body, { 'idempotent-replayed': 'true' });
        return;
      }
    }

    const commit = (): { status: number; text: string } => {
      const answer = store(path, idempotencyKey, body as Record<string, unknown>);
      if (idempotencyKey !== undefined) {
        answers.set(idempotencyKey, {
          fingerprint,
          state: 'done',
          status: answer.status,
          body: answer.text,
          storedAt: at,
        });
      }
      return answer;
    };

    if (fault?.kind === 'slow-commit') {
      if (idempotencyKey !== undefined) {
        answers.set(idempotencyKey, { fingerprint, state: 'in_flight', status: 0, body: '', storedAt: at });
      }
      const answerNow = (): void => {
        const answer = commit();
        send(answer.status, answer.text);
      };
      if ('until' in fault) after(fault.until, answerNow);
      else later(fault.ms, answerNow);
      return;
    }
    const answer = commit();
    if (fault?.kind === 'commit-then-reset') {
      record('reset');
      request.socket.destroy();
      return;
    }
    if (fault?.kind === 'commit-then-hang') {
      record('hang');
      later(fault.ms, () => {
        if (!response.destroyed) {
          response.writeHead(answer.status, {
            'content-type': 'application/json',
            'x-request-id': requestId,
          });
          response.end(answer.text);
        }
      });
      return;
    }
    send(answer.status, answer.text);
  }

  const http = createServer((request, response) => {
    handle(request, response).catch(() => request.socket.destroy());
  });
  http.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  server.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  server.close = () =>
    new Promise<void>((resolve) => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      pending = 0;
      for (const resolve of onIdle.splice(0)) resolve();
      for (const socket of sockets) socket.destroy();
      http.close(() => resolve());
    });
  return server;
}

/** One weighted choice of a fault rule: `[probability, fault]` pairs, drawn once per attempt. */
export type FaultMix = readonly (readonly [number, ApiFault])[];

/**
 * A rule that draws each attempt's fault from `mix` with an order-independent draw keyed by the
 * request's ref and attempt number, so a seed reproduces the same faults whatever the interleaving.
 */
export function randomFaults(
  draw: (ref: string, attempt: number) => number,
  mix: FaultMix,
  only: (context: FaultContext) => boolean = (context) => context.method === 'POST',
): FaultRule {
  return (context) => {
    if (!only(context)) return undefined;
    let roll = draw(context.ref, context.attempt);
    for (const [probability, fault] of mix) {
      if (roll < probability) return fault;
      roll -= probability;
    }
    return undefined;
  };
}
