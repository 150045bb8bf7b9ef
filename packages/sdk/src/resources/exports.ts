import { AbortError, MailPlatformError, TimeoutError } from '../errors.js';
import { systemClock } from '../http/system-clock.js';
import type { Requester, RequestOptions } from '../http/types.js';
import type { CreateExportRequest, Export } from '../schemas/index.js';
import { call, pathOf } from './shared.js';

export interface WaitForExportOptions {
  /** Pause between polls in ms (default 1,000). */
  intervalMs?: number;
  /** Give up after this many ms with a `TimeoutError` (default 600,000). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called with every polled state, the first one included. */
  onProgress?: (current: Export) => void;
}

/** The export ended in `failed`; `export` holds the platform's last state of it. */
export class ExportFailedError extends MailPlatformError {
  readonly export: Export;
  constructor(exported: Export) {
    super(`Export ${exported.id} failed`, { code: 'export_failed' });
    this.export = exported;
  }
}

const DEFAULT_INTERVAL_MS = 1_000;
const DEFAULT_TIMEOUT_MS = 600_000;

/** Asynchronous CSV/NDJSON exports for reports and CRM sync. */
export class ExportsResource {
  readonly #requester: Requester;

  constructor(requester: Requester) {
    this.#requester = requester;
  }

  create(request: CreateExportRequest, options?: RequestOptions): Promise<Export> {
    return call<Export>(this.#requester, {
      method: 'POST',
      path: '/exports',
      body: request,
      kind: 'export',
      options,
    });
  }

  get(id: string, options?: RequestOptions): Promise<Export> {
    return call<Export>(this.#requester, {
      method: 'GET',
      path: pathOf`/exports/${id}`,
      kind: 'read',
      options,
    });
  }

  /** The file's bytes (CSV is UTF-8 with a BOM). */
  download(id: string, options?: RequestOptions): Promise<Uint8Array> {
    return call<Uint8Array>(this.#requester, {
      method: 'GET',
      path: pathOf`/exports/${id}/download`,
      kind: 'read',
      responseType: 'bytes',
      options,
    });
  }

  /**
   * Polls until the export is `completed` (resolves to it) or `failed` (rejects with
   * `ExportFailedError`); rejects with `TimeoutError` after `timeoutMs` and `AbortError` on `signal`.
   *
   * @example
   * ```ts
   * const started = await mp.exports.create({ type: 'invalid_addresses', filter: { since: '2026-03-01' } });
   * const done = await mp.exports.waitFor(started.id, {
   *   intervalMs: 2_000,
   *   onProgress: (current) => console.log(current.status),
   * });
   * const csv = await mp.exports.download(done.id); // UTF-8 with a BOM, opens in Excel
   * ```
   */
  async waitFor(id: string, options: WaitForExportOptions = {}): Promise<Export> {
    const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const signal = options.signal;
    const giveUpAt = Date.now() + timeoutMs;
    for (;;) {
      const current = await this.get(id, { signal });
      options.onProgress?.(current);
      if (current.status === 'completed') return current;
      if (current.status === 'failed') throw new ExportFailedError(current);
      const remaining = giveUpAt - Date.now();
      if (remaining <= 0) {
        throw new TimeoutError(
          `Export ${id} did not complete within ${timeoutMs} ms (last status: ${current.status})`,
          {
            code: 'export_wait_timeout',
          },
        );
      }
      try {
        await systemClock.sleep(Math.min(intervalMs, remaining), signal);
      } catch (reason) {
        throw new AbortError('The wait was aborted', { code: 'aborted', cause: reason });
      }
    }
  }
}
