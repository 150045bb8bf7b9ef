import type { IdGenerator } from '../storage/ids.js';
import type { SqliteDatabase } from '../storage/open-database.js';
import type { VirtualClock } from './virtual-clock.js';

export interface Job {
  id: string;
  namespace: string;
  dueAt: number;
  kind: string;
  payload: unknown;
}

export type JobHandler = (job: Job) => void | Promise<void>;

interface JobRow {
  id: string;
  namespace: string;
  due_at: number;
  kind: string;
  payload: string;
}

const MAX_TIMER_MS = 2 ** 31 - 1;
const MAX_JOBS_PER_RUN = 100_000;

/**
 * Jobs on the virtual clock, persisted in the `jobs` table so a restart with a data dir resumes them.
 * Due jobs run when the clock is advanced or set, and on a real timer while the clock follows real time.
 */
export class Scheduler {
  private readonly handlers = new Map<string, JobHandler>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private rerun = false;
  private closed = false;
  private readonly unsubscribe: () => void;
  private readonly insertJob;
  private readonly nextDue;
  private readonly firstDue;
  private readonly deleteJob;
  private readonly deleteNamespace;
  private readonly deleteAll;

  constructor(
    readonly db: SqliteDatabase,
    private readonly clock: VirtualClock,
    private readonly ids: IdGenerator,
    private readonly onError: (error: unknown, job: Job) => void = () => {},
  ) {
    this.insertJob = db.prepare(
      'INSERT INTO jobs (id, namespace, due_at, kind, payload) VALUES (@id, @namespace, @dueAt, @kind, @payload)',
    );
    this.nextDue = db.prepare<[number], JobRow>(
      'SELECT * FROM jobs WHERE due_at <= ? ORDER BY due_at, id LIMIT 1',
    );
    this.firstDue = db.prepare<[], { due_at: number }>('SELECT due_at FROM jobs ORDER BY due_at LIMIT 1');
    this.deleteJob = db.prepare('DELETE FROM jobs WHERE id = ?');
    this.deleteNamespace = db.prepare('DELETE FROM jobs WHERE namespace = ?');
    this.deleteAll = db.prepare('DELETE FROM jobs');
    this.unsubscribe = clock.onChange(() => this.kick());
  }

  on(kind: string, handler: JobHandler): void {
    this.handlers.set(kind, handler);
  }

  schedule(namespace: string, dueAt: number, kind: string, payload: unknown): string {
    const id = this.ids.next('job');
    this.insertJob.run({ id, namespace, dueAt, kind, payload: JSON.stringify(payload) });
    this.kick();
    return id;
  }

  cancel(id: string): void {
    this.deleteJob.run(id);
  }

  clear(namespace?: string): void {
    if (namespace === undefined) this.deleteAll.run();
    else this.deleteNamespace.run(namespace);
  }

  /** Runs every job due now (jobs scheduled by jobs included); resolves when none is left. */
  async runDue(): Promise<void> {
    this.kick();
    while (this.running) await this.running;
  }

  /** Starts a run (or queues another pass after the current one). */
  kick(): void {
    if (this.closed) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.rerun) {
        this.rerun = false;
        this.kick();
      } else {
        this.arm();
      }
    });
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
  }

  private async drain(): Promise<void> {
    for (let n = 0; n < MAX_JOBS_PER_RUN && !this.closed; n++) {
      const row = this.nextDue.get(this.clock.now());
      if (!row) return;
      this.deleteJob.run(row.id);
      const handler = this.handlers.get(row.kind);
      if (!handler) continue;
      const job: Job = {
        id: row.id,
        namespace: row.namespace,
        dueAt: row.due_at,
        kind: row.kind,
        payload: JSON.parse(row.payload),
      };
      try {
        await handler(job);
      } catch (error) {
        this.onError(error, job);
      }
    }
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closed || this.clock.frozen) return;
    const next = this.firstDue.get();
    if (!next) return;
    const delay = Math.min(Math.max(next.due_at - this.clock.now(), 0), MAX_TIMER_MS);
    this.timer = setTimeout(() => this.kick(), delay);
    this.timer.unref();
  }
}
