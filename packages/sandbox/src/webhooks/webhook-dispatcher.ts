import { signWebhook } from '@mailplatform/sdk/webhooks';
import type { Job, Scheduler } from '../clock/scheduler.js';
import type { VirtualClock } from '../clock/virtual-clock.js';
import type { EventRecorder } from '../events/event-recorder.js';
import type { IdGenerator } from '../storage/ids.js';
import type { MailEventEnvelope } from '../storage/json-types.js';
import { isLoopbackUrl } from './loopback.js';
import type { StoredWebhookDelivery, StoredWebhookEndpoint, WebhookStore } from './webhook-store.js';

export interface WebhookOptions {
  /** Deliver to non-loopback hosts too (`--allow-remote-webhooks`); off by default (SSRF). */
  allowRemote?: boolean;
  /** Add up to 10% random delay to each retry; on by default, tests turn it off. */
  jitter?: boolean;
  /** Delays (ms, virtual clock) before each automatic retry; the length bounds the retries. */
  retrySchedule?: readonly number[];
  /** Per attempt, real time. */
  timeoutMs?: number;
}

export interface WebhookDispatcherDeps {
  clock: VirtualClock;
  ids: IdGenerator;
  scheduler: Scheduler;
  store: WebhookStore;
  recorder: EventRecorder;
  onError: (error: unknown) => void;
}

/** The production schedule (immediately, 5 s, 5 min, 30 min, 2 h, ... about 3 days) compressed for the sandbox. */
export const SANDBOX_RETRY_SCHEDULE_MS: readonly number[] = [
  1_000, 5_000, 30_000, 120_000, 300_000, 900_000, 1_800_000, 3_600_000,
];
export const WEBHOOK_TIMEOUT_MS = 15_000;
export const WEBHOOK_USER_AGENT = 'MailPlatform-Webhooks/1';
export const JOB_WEBHOOK_ATTEMPT = 'webhook.attempt';
export const ROTATED_SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;
/** How much of a response body the delivery log keeps. */
export const RESPONSE_LOG_BYTES = 4096;
const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;
const REMOTE_REFUSED =
  'The sandbox only delivers webhooks to loopback addresses; start it with --allow-remote-webhooks to deliver elsewhere';

interface AttemptJob {
  webhookId: string;
  eventId: string;
  attempt: number;
}

interface AttemptResult {
  responseStatus: number | null;
  responseBody: string | null;
  retryAfterMs: number | null;
  error: string | null;
  durationMs: number;
}

/** Does this endpoint want this event? Empty `events` / `streams` mean all. */
export function endpointWants(endpoint: StoredWebhookEndpoint, event: MailEventEnvelope): boolean {
  if (!endpoint.enabled) return false;
  if (endpoint.events.length > 0 && !endpoint.events.includes(event.type)) return false;
  const stream = event.data.stream;
  if (endpoint.streams.length > 0 && typeof stream === 'string' && !endpoint.streams.includes(stream)) {
    return false;
  }
  return true;
}

/** `Retry-After` as delta seconds or an HTTP date, in ms from now (real time). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(at - now, 0);
}

async function readLimited(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
  }
  await reader.cancel().catch(() => {});
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return 'Timed out';
    const cause = (error as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
  }
  return String(error);
}

/**
 * Turns recorded events into signed Standard Webhooks deliveries: one event per request, queued as
 * scheduler jobs on the virtual clock so the send path never waits for a receiver; failed attempts
 * are retried on the compressed schedule, a 410 disables the endpoint.
 */
export class WebhookDispatcher {
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly closing = new AbortController();
  private readonly allowRemote: boolean;
  private readonly jitter: boolean;
  private readonly schedule: readonly number[];
  private readonly timeoutMs: number;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly deps: WebhookDispatcherDeps,
    options: WebhookOptions = {},
  ) {
    this.allowRemote = options.allowRemote ?? false;
    this.jitter = options.jitter ?? true;
    this.schedule = options.retrySchedule ?? SANDBOX_RETRY_SCHEDULE_MS;
    this.timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
    deps.scheduler.on(JOB_WEBHOOK_ATTEMPT, (job) => this.runJob(job));
    this.unsubscribe = deps.recorder.onEvent((namespace, event) => this.enqueue(namespace, event));
  }

  get store(): WebhookStore {
    return this.deps.store;
  }

  /** Queues the first attempt for every endpoint that wants the event (runs inside the recorder's transaction). */
  enqueue(namespace: string, event: MailEventEnvelope): void {
    for (const endpoint of this.deps.store.endpoints(namespace)) {
      if (!endpointWants(endpoint, event)) continue;
      this.deps.scheduler.schedule(namespace, this.deps.clock.now(), JOB_WEBHOOK_ATTEMPT, {
        webhookId: endpoint.id,
        eventId: event.id,
        attempt: 1,
      } satisfies AttemptJob);
    }
  }

  /** Sends the event of a logged delivery again, now; the result is a new attempt (no automatic retries). */
  async retry(namespace: string, delivery: StoredWebhookDelivery): Promise<StoredWebhookDelivery> {
    const endpoint = this.deps.store.endpoint(namespace, delivery.webhookId);
    if (!endpoint) throw new Error(`Webhook endpoint ${delivery.webhookId} no longer exists`);
    const attempt = this.deps.store.attempts(namespace, endpoint.id, delivery.eventId) + 1;
    return this.track(
      this.attempt(
        namespace,
        endpoint,
        delivery.eventId,
        delivery.eventType,
        delivery.payload,
        attempt,
        'manual',
      ),
    );
  }

  /** Sends a sample event of `type` (`data.metadata.test = "true"`); it is not added to the event log. */
  async test(
    namespace: string,
    endpoint: StoredWebhookEndpoint,
    type: string,
  ): Promise<StoredWebhookDelivery> {
    const event: MailEventEnvelope = {
      id: this.deps.ids.next('evt'),
      type,
      timestamp: this.deps.clock.iso(),
      apiVersion: 'v1',
      data: type.startsWith('message.')
        ? {
            messageId: this.deps.ids.next('msg'),
            recipient: 'delivered@sim.mailplatform.test',
            stream: 'transactional',
            tag: 'webhook-test',
            metadata: { test: 'true' },
            from: 'sandbox@sim.mailplatform.test',
            subject: 'Webhook test',
          }
        : { metadata: { test: 'true' } },
    };
    return this.track(this.attempt(namespace, endpoint, event.id, type, JSON.stringify(event), 1, 'test'));
  }

  /** Resolves when every attempt in flight has finished (tests and the CLI demo wait on it). */
  async settled(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  close(): void {
    this.unsubscribe();
    this.closing.abort();
  }

  private runJob(job: Job): void {
    const { webhookId, eventId, attempt } = job.payload as AttemptJob;
    const endpoint = this.deps.store.endpoint(job.namespace, webhookId);
    if (!endpoint?.enabled) return;
    const event = this.deps.store.event(job.namespace, eventId);
    if (!event) return;
    // not awaited: a slow receiver must not hold up the scheduler (simulator steps, other deliveries)
    this.track(
      this.attempt(
        job.namespace,
        endpoint,
        event.id,
        event.type,
        JSON.stringify(event),
        attempt,
        'automatic',
      ),
    ).catch((error: unknown) => this.deps.onError(error));
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inflight.add(promise);
    const done = () => this.inflight.delete(promise);
    promise.then(done, done);
    return promise;
  }

  private async attempt(
    namespace: string,
    endpoint: StoredWebhookEndpoint,
    eventId: string,
    eventType: string,
    payload: string,
    attempt: number,
    trigger: StoredWebhookDelivery['trigger'],
  ): Promise<StoredWebhookDelivery> {
    const { store, clock, ids } = this.deps;
    const headers = await this.sign(endpoint, eventId, payload);
    if (this.closing.signal.aborted) throw new Error('The sandbox is closing');
    const delivery: StoredWebhookDelivery = {
      id: ids.next('whd'),
      webhookId: endpoint.id,
      eventId,
      eventType,
      attempt,
      status: 'pending',
      responseStatus: null,
      durationMs: null,
      nextAttemptAt: null,
      error: null,
      createdAt: clock.iso(),
      trigger,
      url: endpoint.url,
      payload,
      requestHeaders: headers,
      responseBody: null,
    };
    store.addDelivery(namespace, delivery);

    const result = await this.post(endpoint.url, headers, payload);
    if (this.closing.signal.aborted) return delivery;
    const status = result.responseStatus;
    delivery.responseStatus = status;
    delivery.responseBody = result.responseBody;
    delivery.durationMs = result.durationMs;
    delivery.error = result.error;
    if (status !== null && status >= 200 && status < 300) {
      delivery.status = 'succeeded';
      store.saveDelivery(delivery);
      return delivery;
    }
    delivery.status = 'failed';
    if (status === 410) {
      delivery.error = 'The endpoint answered 410 Gone: it has been disabled';
      store.saveDelivery(delivery);
      this.disable(namespace, endpoint.id, 'The endpoint answered 410 Gone');
      return delivery;
    }
    const retryIndex = attempt - 1;
    if (trigger === 'automatic' && retryIndex < this.schedule.length && result.error !== REMOTE_REFUSED) {
      const base = this.schedule[retryIndex]!;
      const jittered = this.jitter ? base + Math.floor(Math.random() * base * 0.1) : base;
      const delay = Math.max(jittered, Math.min(result.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
      const dueAt = clock.now() + delay;
      delivery.nextAttemptAt = new Date(dueAt).toISOString();
      store.saveDelivery(delivery);
      this.deps.scheduler.schedule(namespace, dueAt, JOB_WEBHOOK_ATTEMPT, {
        webhookId: endpoint.id,
        eventId,
        attempt: attempt + 1,
      } satisfies AttemptJob);
      return delivery;
    }
    store.saveDelivery(delivery);
    return delivery;
  }

  private disable(namespace: string, webhookId: string, reason: string): void {
    const current = this.deps.store.endpoint(namespace, webhookId);
    if (!current?.enabled) return;
    this.deps.store.saveEndpoint({
      ...current,
      enabled: false,
      disabledReason: reason,
      updatedAt: this.deps.clock.iso(),
    });
    this.deps.recorder.recordEvent(namespace, 'webhook.disabled', this.deps.clock.now(), {
      webhookId,
      reason,
    });
  }

  /** Standard Webhooks headers; during a rotation both secrets sign (space-separated signatures). */
  private async sign(
    endpoint: StoredWebhookEndpoint,
    id: string,
    payload: string,
  ): Promise<Record<string, string>> {
    const now = this.deps.clock.now();
    // the timestamp is real time: receivers check it against their own clock
    const timestamp = Math.floor(Date.now() / 1000);
    const secrets = endpoint.secrets.filter((s) => s.expiresAt === null || s.expiresAt > now);
    const signed = await Promise.all(
      secrets.map((s) => signWebhook({ payload, secret: s.secret, id, timestamp })),
    );
    return {
      'content-type': 'application/json',
      'user-agent': WEBHOOK_USER_AGENT,
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signed.map((h) => h['webhook-signature']).join(' '),
    };
  }

  private async post(url: string, headers: Record<string, string>, payload: string): Promise<AttemptResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    if (!this.allowRemote && !isLoopbackUrl(url)) {
      return {
        responseStatus: null,
        responseBody: null,
        retryAfterMs: null,
        error: REMOTE_REFUSED,
        durationMs: 0,
      };
    }
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body: payload,
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(this.timeoutMs), this.closing.signal]),
      });
      const responseBody = await readLimited(response, RESPONSE_LOG_BYTES);
      const redirect = response.status >= 300 && response.status < 400;
      return {
        responseStatus: response.status,
        responseBody,
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
        error: redirect
          ? `Redirects are not followed (${response.status} to ${response.headers.get('location') ?? 'nowhere'})`
          : response.ok
            ? null
            : `The endpoint answered ${response.status}`,
        durationMs: elapsed(),
      };
    } catch (error) {
      return {
        responseStatus: null,
        responseBody: null,
        retryAfterMs: null,
        error: describeError(error),
        durationMs: elapsed(),
      };
    }
  }
}
