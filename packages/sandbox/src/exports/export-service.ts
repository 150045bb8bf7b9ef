import type { Export, ExportFilter, ExportFormat, ExportType } from '@mailplatform/sdk/schemas';
import type { SandboxCore } from '../core/sandbox-core.js';
import { ProblemError } from '../http/problem.js';
import { ChunkWriter } from './chunk-writer.js';
import { BOM, csvRecord } from './csv.js';
import { EXPORT_SOURCES } from './export-sources.js';

const JOB_EXPORT = 'export.run';
const RETENTION_MS = 7 * 86_400_000;

export interface ExportRequest {
  type: ExportType;
  format: ExportFormat;
  filter: ExportFilter;
  timezone: string;
}

interface StoredExport extends Export {
  /** The sandbox origin the download URL points at (the Host the export was requested on). */
  origin: string;
}

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson',
};

/** Exports (contract §14): created pending, written by a scheduler job, kept in the `exports` table. */
export class ExportService {
  private readonly insert;
  private readonly update;
  private readonly select;
  private readonly selectContent;

  constructor(private readonly core: SandboxCore) {
    const { db } = core;
    this.insert = db.prepare('INSERT INTO exports (id, namespace, created_at, body) VALUES (?, ?, ?, ?)');
    this.update = db.prepare('UPDATE exports SET body = ?, content = ? WHERE id = ?');
    this.select = db.prepare<[string, string], { body: string }>(
      'SELECT body FROM exports WHERE namespace = ? AND id = ?',
    );
    this.selectContent = db.prepare<[string, string], { content: Buffer | null }>(
      'SELECT content FROM exports WHERE namespace = ? AND id = ?',
    );
    core.scheduler.on(JOB_EXPORT, async (job) => {
      const { id } = job.payload as { id: string };
      await this.run(job.namespace, id);
    });
  }

  create(namespace: string, request: ExportRequest, origin: string): Export {
    const now = this.core.clock.now();
    const stored: StoredExport = {
      id: this.core.ids.next('exp'),
      type: request.type,
      format: request.format,
      status: 'pending',
      filter: request.filter,
      timezone: request.timezone,
      rowCount: null,
      downloadUrl: null,
      expiresAt: null,
      error: null,
      createdAt: new Date(now).toISOString(),
      completedAt: null,
      origin,
    };
    this.insert.run(stored.id, namespace, stored.createdAt, JSON.stringify(stored));
    this.core.scheduler.schedule(namespace, now, JOB_EXPORT, { id: stored.id });
    return publicView(stored, now);
  }

  get(namespace: string, id: string): Export {
    return publicView(this.load(namespace, id), this.core.clock.now());
  }

  download(namespace: string, id: string): { content: Buffer; format: ExportFormat } {
    const view = this.get(namespace, id);
    if (view.status === 'expired') {
      throw new ProblemError(404, 'not_found', { detail: `Export ${id} expired at ${view.expiresAt}` });
    }
    const content = this.selectContent.get(namespace, id)?.content;
    if (view.status !== 'completed' || !content) {
      throw new ProblemError(409, 'conflict', { detail: `Export ${id} is ${view.status}, not completed` });
    }
    return { content, format: view.format };
  }

  private load(namespace: string, id: string): StoredExport {
    const row = this.select.get(namespace, id);
    if (!row) throw new ProblemError(404, 'not_found', { detail: `No export ${id}` });
    return JSON.parse(row.body) as StoredExport;
  }

  private async run(namespace: string, id: string): Promise<void> {
    // let the request that created the export answer first
    await new Promise<void>((resolve) => setImmediate(resolve));
    const row = this.select.get(namespace, id);
    if (!row) return;
    const stored = JSON.parse(row.body) as StoredExport;
    this.save({ ...stored, status: 'running' }, null);
    try {
      const { content, rowCount } = await this.write(namespace, stored);
      const now = this.core.clock.now();
      const downloadUrl = `${stored.origin}/v1/exports/${id}/download`;
      const done: StoredExport = {
        ...stored,
        status: 'completed',
        rowCount,
        downloadUrl,
        completedAt: new Date(now).toISOString(),
        expiresAt: new Date(now + RETENTION_MS).toISOString(),
      };
      this.core.db.transaction(() => {
        this.save(done, content);
        this.core.recorder.recordEvent(namespace, 'export.completed', now, {
          exportId: id,
          rowCount,
          downloadUrl,
        });
      })();
    } catch (error) {
      const now = this.core.clock.now();
      const message = error instanceof Error ? error.message : String(error);
      this.core.db.transaction(() => {
        this.save(
          { ...stored, status: 'failed', error: message, completedAt: new Date(now).toISOString() },
          null,
        );
        this.core.recorder.recordEvent(namespace, 'export.failed', now, {
          exportId: id,
          rowCount: null,
          downloadUrl: null,
        });
      })();
    }
  }

  private save(stored: StoredExport, content: Buffer | null): void {
    this.update.run(JSON.stringify(stored), content, stored.id);
  }

  private async write(
    namespace: string,
    stored: StoredExport,
  ): Promise<{ content: Buffer; rowCount: number }> {
    const source = EXPORT_SOURCES[stored.type]({
      db: this.core.db,
      namespace,
      filter: stored.filter,
      timezone: stored.timezone,
      now: this.core.clock.now(),
      recipients: (messageId) => this.core.messages.recipients(messageId),
    });
    const out = new ChunkWriter();
    const csv = stored.format === 'csv';
    if (csv) out.write(BOM + csvRecord(source.columns));
    let rowCount = 0;
    for await (const rows of source.batches()) {
      for (const row of rows) {
        out.write(
          csv
            ? csvRecord(source.columns.map((column) => row[column]))
            : `${JSON.stringify(source.json ? source.json(row) : pickColumns(row, source.columns))}\n`,
        );
        rowCount++;
      }
    }
    return { content: out.finish(), rowCount };
  }
}

function pickColumns(row: Record<string, unknown>, columns: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(columns.map((column) => [column, row[column] ?? null]));
}

function publicView(stored: StoredExport, now: number): Export {
  const { origin: _origin, ...view } = stored;
  if (view.status === 'completed' && view.expiresAt && Date.parse(view.expiresAt) <= now) {
    return { ...view, status: 'expired', downloadUrl: null };
  }
  return view;
}
