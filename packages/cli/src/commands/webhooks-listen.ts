import { randomBytes } from 'node:crypto';
import { signWebhook } from '@mailplatform/sdk/webhooks';
import { parseDuration } from '../duration.js';
import { CredentialsError, InterruptedError, UsageError } from '../errors.js';
import type { Session } from '../session.js';
import { VERSION } from '../version.js';

const CONNECT_TIMEOUT_MS = 15_000;

export interface ListenOptions {
  forwardTo?: string;
  events?: string;
  /** Longest wait between reconnects. */
  maxBackoff: string;
}

export interface StreamEvent {
  id: string | undefined;
  data: string;
}

/** Splits a text/event-stream into events; `feed` returns the events completed by the chunk. */
export class SseParser {
  #buffer = '';
  #id: string | undefined;
  #data: string[] = [];

  feed(chunk: string): StreamEvent[] {
    this.#buffer += chunk;
    const events: StreamEvent[] = [];
    for (let newline = this.#buffer.search(/\r?\n/); newline >= 0; newline = this.#buffer.search(/\r?\n/)) {
      const line = this.#buffer.slice(0, newline);
      this.#buffer = this.#buffer.slice(newline + (this.#buffer[newline] === '\r' ? 2 : 1));
      if (line === '') {
        if (this.#data.length > 0) events.push({ id: this.#id, data: this.#data.join('\n') });
        this.#data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') this.#data.push(value);
      else if (field === 'id') this.#id = value;
    }
    return events;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/** Until the response headers: a stream is open-ended, so only its connect phase has a timeout. */
async function connect(
  fetcher: typeof fetch,
  url: URL,
  timeoutMs: number,
  signal: AbortSignal,
  headers: Record<string, string>,
): Promise<Response> {
  const connecting = new AbortController();
  const timer = setTimeout(
    () => connecting.abort(new Error(`event stream: no response within ${timeoutMs} ms`)),
    timeoutMs,
  );
  try {
    return await fetcher(url, { headers, signal: AbortSignal.any([signal, connecting.signal]) });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Relays the platform's event stream to a local URL, re-signed with a new local secret. The secret is
 * printed once because the local handler needs it; it never leaves this machine.
 */
/** `fetch failed (ECONNREFUSED)`: undici hides the reason in `cause` (a code, or a message). */
export function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const detail =
    typeof cause?.code === 'string'
      ? cause.code
      : typeof cause?.message === 'string'
        ? cause.message
        : undefined;
  return detail === undefined ? error.message : `${error.message} (${detail})`;
}

export async function webhooksListen(s: Session, o: ListenOptions): Promise<void> {
  const { ctx } = s;
  if (o.forwardTo && !/^https?:\/\//.test(o.forwardTo))
    throw new UsageError(`--forward-to must be an http(s) URL, got "${o.forwardTo}"`);
  const types = o.events
    ?.split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const maxBackoff = parseDuration(o.maxBackoff, '--max-backoff');
  const options = s.clientOptions();
  const fetcher = ctx.fetch ?? fetch;
  const streamUrl = new URL(`${(await s.client()).baseUrl}/v1/events/stream`);
  const connectMs = s.settings.timeout ?? CONNECT_TIMEOUT_MS;
  for (const type of types ?? []) streamUrl.searchParams.append('type', type);
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  if (o.forwardTo) {
    ctx.stderr.write(
      `forwarding events to ${o.forwardTo}\n` +
        `local signing secret (set it as MAILPLATFORM_WEBHOOK_SECRET of the local handler): ${secret}\n`,
    );
  }
  let lastId: string | undefined;
  let failures = 0;
  while (!ctx.signal.aborted) {
    try {
      const response = await connect(fetcher, streamUrl, connectMs, ctx.signal, {
        authorization: `Bearer ${options.apiKey}`,
        accept: 'text/event-stream',
        'user-agent': `mailplatform-cli/${VERSION}`,
        ...(lastId ? { 'last-event-id': lastId } : {}),
      });
      if (response.status === 401 || response.status === 403) {
        await response.body?.cancel();
        throw new CredentialsError(
          `the platform refused the key (HTTP ${response.status})`,
          'invalid_api_key',
        );
      }
      if (!response.ok || !response.body) {
        await response.body?.cancel();
        throw new Error(`event stream: HTTP ${response.status}`);
      }
      if (failures > 0 || lastId === undefined) s.out.note('connected to the event stream; Ctrl-C stops');
      failures = 0;
      const parser = new SseParser();
      const decoder = new TextDecoder();
      const reader = response.body.getReader();
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        for (const event of parser.feed(decoder.decode(read.value, { stream: true }))) {
          if (event.id) lastId = event.id;
          await deliver(s, event, o.forwardTo, secret);
        }
      }
    } catch (error) {
      if (ctx.signal.aborted) break;
      if (error instanceof CredentialsError) throw error;
      failures++;
      const delay = Math.min(maxBackoff, 500 * 2 ** (failures - 1));
      s.out.warn(`${error instanceof Error ? error.message : String(error)}; reconnecting in ${delay} ms`);
      await sleep(delay, ctx.signal);
      continue;
    }
    failures++;
    await sleep(Math.min(maxBackoff, 500), ctx.signal);
  }
  throw new InterruptedError();
}

async function deliver(
  s: Session,
  event: StreamEvent,
  forwardTo: string | undefined,
  secret: string,
): Promise<void> {
  let parsed: { id?: unknown; type?: unknown; timestamp?: unknown };
  try {
    parsed = JSON.parse(event.data) as typeof parsed;
  } catch {
    s.out.warn(`skipped an event that is not JSON (id ${event.id ?? 'none'})`);
    return;
  }
  const id = typeof parsed.id === 'string' ? parsed.id : (event.id ?? '');
  const type = typeof parsed.type === 'string' ? parsed.type : 'unknown';
  const row: Record<string, unknown> = { id, type, timestamp: parsed.timestamp ?? null };
  if (forwardTo) {
    const headers = await signWebhook({ payload: event.data, secret, ...(id ? { id } : {}) });
    const started = Date.now();
    try {
      const response = await (s.ctx.fetch ?? fetch)(forwardTo, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'mailplatform-cli-listen', ...headers },
        body: event.data,
        signal: s.ctx.signal,
      });
      await response.body?.cancel();
      row.status = response.status;
    } catch (error) {
      if (s.ctx.signal.aborted) throw error;
      row.status = null;
      row.error = describeFetchError(error);
    }
    row.ms = Date.now() - started;
  }
  if (s.out.machine) {
    s.ctx.stdout.write(`${JSON.stringify(row)}\n`);
    return;
  }
  const target =
    forwardTo === undefined
      ? ''
      : `  → ${row.status ?? `failed: ${String(row.error)}`} (${String(row.ms)} ms)`;
  s.ctx.stdout.write(`${String(row.timestamp ?? '')}  ${type}  ${id}${target}\n`);
}
