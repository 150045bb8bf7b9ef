import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxCore } from '../core/sandbox-core.js';
import { authenticateHeader } from '../http/auth.js';
import { ProblemError } from '../http/problem.js';
import type { MailEventEnvelope } from '../storage/json-types.js';

export const EVENT_STREAM_PATH = '/v1/events/stream';
export const HEARTBEAT_MS = 15_000;
const BACKLOG_PAGE = 500;

export interface EventStreamOptions {
  acceptAnyKey: boolean;
  heartbeatMs?: number;
}

/** Where a stream starts: after an event id (`Last-Event-ID`, `?since=evt_...`) or from a time. */
interface ResumePoint {
  afterId: string;
  since: string;
}

function resumePoint(req: IncomingMessage, query: URLSearchParams): ResumePoint | null {
  const header = req.headers['last-event-id'];
  const lastEventId = (Array.isArray(header) ? header[0] : header)?.trim();
  if (lastEventId) return { afterId: lastEventId, since: '' };
  const since = query.get('since');
  if (since === null) return null;
  if (since.startsWith('evt_')) return { afterId: since, since: '' };
  const at = Date.parse(since);
  if (Number.isNaN(at) || !/^\d{4}-\d{2}-\d{2}/.test(since)) {
    throw new ProblemError(400, 'invalid_query', {
      detail: 'since must be an event id (evt_...) or an RFC 3339 timestamp',
    });
  }
  return { afterId: '', since: new Date(at).toISOString() };
}

function frame(event: MailEventEnvelope): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * `GET /v1/events/stream`: the namespace's event log as Server-Sent Events. It resumes from
 * `Last-Event-ID` (or `?since=`), then follows live events; `type` filters; `: ping` every 15 s.
 * The router's replies are complete bodies, so this runs in front of it: it returns false for any
 * other request.
 */
export interface EventStreamListener {
  /** Serves the request when it is for the stream; false lets the router have it. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** Ends every open stream cleanly (the sandbox calls it before it drops connections). */
  close(): Promise<void>;
}

export function eventStreamListener(core: SandboxCore, options: EventStreamOptions): EventStreamListener {
  const backlog = core.db.prepare<[string, string, string, number], { body: string }>(
    'SELECT body FROM events WHERE namespace = ? AND id > ? AND timestamp >= ? ORDER BY id LIMIT ?',
  );
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
  const open = new Set<ServerResponse>();

  const handle = (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== EVENT_STREAM_PATH || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const requestId = core.ids.next('req');
    req.resume();
    let namespace: string;
    let start: ResumePoint | null;
    try {
      namespace = authenticateHeader(req.headers.authorization, options.acceptAnyKey).namespace;
      start = resumePoint(req, url.searchParams);
    } catch (error) {
      const problem =
        error instanceof ProblemError
          ? error
          : new ProblemError(500, 'internal_error', { detail: String(error) });
      const body = JSON.stringify(problem.body(url.pathname, requestId));
      res.writeHead(problem.status, {
        ...problem.headers,
        'X-Request-Id': requestId,
        'Content-Type': 'application/problem+json; charset=utf-8',
        'Content-Length': String(Buffer.byteLength(body)),
      });
      res.end(req.method === 'HEAD' ? undefined : body);
      return true;
    }
    const types = new Set(
      [...url.searchParams.getAll('type'), ...url.searchParams.getAll('type[]')]
        .flatMap((t) => t.split(','))
        .filter(Boolean),
    );
    const wanted = (event: MailEventEnvelope) => types.size === 0 || types.has(event.type);

    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
      'X-Request-Id': requestId,
    });
    if (req.method === 'HEAD') {
      res.end();
      return true;
    }
    res.write(`retry: 2000\n\n`);

    // the backlog is read synchronously, so no live event can slip in before the subscription
    if (start) {
      let afterId = start.afterId;
      for (;;) {
        const rows = backlog.all(namespace, afterId, start.since, BACKLOG_PAGE);
        for (const row of rows) {
          const event = JSON.parse(row.body) as MailEventEnvelope;
          afterId = event.id;
          if (wanted(event)) res.write(frame(event));
        }
        if (rows.length < BACKLOG_PAGE) break;
      }
    }
    const unsubscribe = core.recorder.onEvent((eventNamespace, event) => {
      if (eventNamespace === namespace && wanted(event)) res.write(frame(event));
    });
    const heartbeat = setInterval(() => res.write(': ping\n\n'), heartbeatMs);
    heartbeat.unref();
    open.add(res);
    res.on('close', () => {
      open.delete(res);
      clearInterval(heartbeat);
      unsubscribe();
    });
    return true;
  };

  return {
    handle,
    async close() {
      await Promise.all([...open].map((res) => new Promise<void>((resolve) => res.end(resolve))));
    },
  };
}
