import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { AbortError } from '../errors.js';
import type { SendCancellation } from './send-cancellation.js';

/** The EHLO keyword of a relay that deduplicates on `X-MP-Idempotency-Key` (contract §15). */
export const IDEMPOTENCY_KEYWORD = 'XMPIDEMPOTENCY';

export interface PoolSettings {
  connection: SMTPConnection.Options;
  auth: { user: string; pass: string } | undefined;
  maxConnections: number;
  maxMessages: number;
}

/** Which step of opening a connection failed, for the error's `stage`. */
export type OpenStage = 'connect' | 'auth';

export class OpenConnectionError extends Error {
  readonly stage: OpenStage;
  override readonly cause: unknown;
  constructor(stage: OpenStage, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.stage = stage;
    this.cause = cause;
  }
}

export interface PooledConnection {
  connection: SMTPConnection;
  /** The EHLO reply advertised `XMPIDEMPOTENCY`. */
  idempotent: boolean;
  sent: number;
  alive: boolean;
}

export function advertisesIdempotency(ehloReply: string): boolean {
  return new RegExp(`^\\d{3}[ -]${IDEMPOTENCY_KEYWORD}\\b`, 'im').test(ehloReply);
}

/**
 * A small pool over nodemailer's `SMTPConnection` (nodemailer's own pool hides the EHLO reply and
 * the stage a connection broke at, which the retry policy needs). At most `maxConnections` are
 * open; each sends at most `maxMessages` before it is replaced.
 */
export class ConnectionPool {
  readonly #settings: PoolSettings;
  readonly #idle: PooledConnection[] = [];
  readonly #waiters = new Set<() => void>();
  #open = 0;
  #closed = false;

  constructor(settings: PoolSettings) {
    this.#settings = settings;
  }

  async acquire(cancel: SendCancellation): Promise<PooledConnection> {
    for (;;) {
      if (this.#closed) throw new AbortError('The SMTP sender is closed', { code: 'smtp_closed' });
      if (cancel.aborted) throw cancel.reason;
      const idle = this.#idle.pop();
      if (idle !== undefined) {
        if (idle.alive) return idle;
        this.#discard(idle);
        continue;
      }
      if (this.#open < this.#settings.maxConnections) {
        this.#open++;
        try {
          return await this.#openConnection(cancel);
        } catch (error) {
          this.#open--;
          this.#wakeOne();
          throw error;
        }
      }
      await new Promise<void>((resolve, reject) => {
        const wake = (): void => {
          cancel.clear();
          this.#waiters.delete(wake);
          resolve();
        };
        this.#waiters.add(wake);
        cancel.onAbort((reason) => {
          this.#waiters.delete(wake);
          reject(reason);
        });
      });
    }
  }

  /** Returns a connection after a send; `reusable: false` (any failure) closes it. */
  release(pooled: PooledConnection, reusable: boolean): void {
    pooled.sent++;
    if (reusable && pooled.alive && !this.#closed && pooled.sent < this.#settings.maxMessages) {
      this.#idle.push(pooled);
      this.#wakeOne();
      return;
    }
    this.#discard(pooled);
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const pooled of this.#idle.splice(0)) this.#discard(pooled);
    for (const wake of [...this.#waiters]) wake();
  }

  #discard(pooled: PooledConnection): void {
    pooled.alive = false;
    this.#open--;
    if (pooled.connection._socket) pooled.connection.quit();
    pooled.connection.close();
    this.#wakeOne();
  }

  #wakeOne(): void {
    const [first] = this.#waiters;
    first?.();
  }

  async #openConnection(cancel: SendCancellation): Promise<PooledConnection> {
    const connection = new SMTPConnection(this.#settings.connection);
    const pooled: PooledConnection = { connection, idempotent: false, sent: 0, alive: true };
    connection.on('error', () => {
      pooled.alive = false;
    });
    connection.on('end', () => {
      pooled.alive = false;
    });
    const aborted = new Promise<never>((_, reject) => cancel.onAbort(reject));
    aborted.catch(() => {});
    try {
      const connected = new Promise<void>((resolve, reject) => {
        connection.once('error', (error) => reject(new OpenConnectionError('connect', error)));
        connection.connect((error) =>
          error ? reject(new OpenConnectionError('connect', error)) : resolve(),
        );
      });
      await Promise.race([connected, aborted]);
      pooled.idempotent = advertisesIdempotency(connection.lastServerResponse || '');
      const auth = this.#settings.auth;
      if (auth !== undefined) {
        const loggedIn = new Promise<void>((resolve, reject) => {
          connection.login(auth, (error) =>
            error ? reject(new OpenConnectionError('auth', error)) : resolve(),
          );
        });
        await Promise.race([loggedIn, aborted]);
      }
      return pooled;
    } catch (error) {
      pooled.alive = false;
      connection.close();
      throw error;
    } finally {
      cancel.clear();
    }
  }
}
