import type { CreateExportRequest } from '@mailplatform/sdk';
import { writeFileAtomic } from '../config/atomic-write.js';
import { parseDuration, parseInstant } from '../duration.js';
import { CancelledError, UsageError } from '../errors.js';
import { startSpinner } from '../output/spinner.js';
import type { Session } from '../session.js';
import { assertWritableTarget } from './local-files.js';
import { checkTimezone } from './stats.js';

export interface ReportsExportOptions {
  type: CreateExportRequest['type'];
  format: 'csv' | 'ndjson';
  since?: string;
  until?: string;
  stream?: string;
  timezone?: string;
  out?: string;
  wait?: boolean;
  pollInterval: string;
  waitTimeout: string;
}

export async function reportsExport(s: Session, o: ReportsExportOptions): Promise<void> {
  if (o.out && !o.wait) throw new UsageError('--out needs --wait');
  const now = s.ctx.now();
  const intervalMs = parseDuration(o.pollInterval, '--poll-interval');
  const timeoutMs = parseDuration(o.waitTimeout, '--wait-timeout');
  if (o.timezone !== undefined) checkTimezone(o.timezone);
  if (o.out) await assertWritableTarget(o.out, '--out');
  const client = await s.client();
  const created = await client.exports.create(
    {
      type: o.type,
      format: o.format,
      filter: {
        ...(o.since ? { since: parseInstant(o.since, '--since', now) } : {}),
        ...(o.until ? { until: parseInstant(o.until, '--until', now) } : {}),
        ...(o.stream ? { stream: o.stream } : {}),
      },
      ...(o.timezone ? { timezone: o.timezone } : {}),
    },
    { signal: s.ctx.signal },
  );
  if (!o.wait) {
    s.out.object(created);
    return;
  }
  const spinner = await startSpinner(
    s.ctx,
    s.out.settings.progress,
    `export ${created.id}: ${created.status}`,
  );
  let done: Awaited<ReturnType<typeof client.exports.waitFor>>;
  try {
    done = await client.exports.waitFor(created.id, {
      intervalMs,
      timeoutMs,
      signal: s.ctx.signal,
      onProgress: (e) => spinner.update(`export ${e.id}: ${e.status}`),
    });
    spinner.succeed(`export ${done.id}: ${done.status} (${done.rowCount ?? 0} rows)`);
  } catch (error) {
    spinner.fail(`export ${created.id} did not complete`);
    if (error instanceof Error && (error as { code?: string }).code === 'export_wait_timeout') {
      throw new CancelledError(
        error.message,
        `export ${created.id} is still running; raise --wait-timeout or fetch it later`,
      );
    }
    throw error;
  } finally {
    spinner.stop();
  }
  const bytes = await client.exports.download(done.id, { signal: s.ctx.signal });
  if (o.out) {
    await writeFileAtomic(o.out, bytes, { mode: 0o644 });
    s.out.result({ ...done, out: o.out }, `wrote ${done.rowCount ?? 0} rows to ${o.out}`);
  } else s.ctx.stdout.write(new TextDecoder().decode(bytes));
}
