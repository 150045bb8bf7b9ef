import type Database from 'better-sqlite3';
import type { MailEventEnvelope } from '../storage/json-types.js';
import type { SqliteDatabase } from '../storage/open-database.js';
import type { StoredCounter } from './counters.js';

/** Rollup rows are per UTC hour (the `q` column holds hours since the epoch). */
export const HOUR_MS = 3_600_000;

export const BASIS_ACTIVITY = 0;
export const BASIS_COHORT = 1;
export const SCOPE_ALL = 0;
export const SCOPE_DOMAIN = 1;
/** Bounce rows by bounce type (only for `groupBy=bounceType`); the other scopes keep `btype` empty. */
export const SCOPE_BOUNCE_TYPE = 2;

/** What the statistics need to know about a message, looked up once per message. */
export interface MessageFacts {
  submittedAt: number;
  opens: boolean;
  clicks: boolean;
}

export type MessageLookup = (namespace: string, messageId: string) => MessageFacts | undefined;

// per (message, recipient): which first events have already been counted
const DELIVERED = 1;
const DEFERRED = 2;
const BOUNCED = 4;
const COMPLAINED = 8;
const UNSUBSCRIBED = 16;
const OPENED = 32;
const OPENED_HUMAN = 64;
const CLICKED = 128;
const CLICKED_HUMAN = 256;
const QUEUED = 512;

const BOUNCE_COUNTER: Record<string, StoredCounter> = {
  hard: 'bouncedHard',
  soft: 'bouncedSoft',
  block: 'bouncedBlock',
  undetermined: 'bouncedUndetermined',
};

const ONCE: Partial<Record<string, [number, StoredCounter]>> = {
  'message.deferred': [DEFERRED, 'deferredRecipients'],
  'message.complained': [COMPLAINED, 'complained'],
  'message.unsubscribed': [UNSUBSCRIBED, 'unsubscribed'],
};

const KEY_COLUMNS = ['namespace', 'basis', 'scope', 'q', 'stream', 'tag', 'btype', 'domain'] as const;

/**
 * Keeps the statistics rollup current as events are recorded: uniqueness is decided here, once, per
 * (message, recipient), so a query only sums indexed rows. Each event adds to four rows: activity and
 * cohort basis, each for all domains and for the recipient's domain; a bounce also to its bounce type's.
 */
export class StatsRecorder {
  private readonly getMessage;
  private readonly putMessage;
  private readonly getFlags;
  private readonly putFlags;
  private readonly putLink;
  private readonly upserts = new Map<string, Database.Statement>();

  constructor(
    private readonly db: SqliteDatabase,
    private readonly lookup: MessageLookup,
  ) {
    this.getMessage = db.prepare<[string, string], { submitted_q: number; opens: number; clicks: number }>(
      'SELECT submitted_q, opens, clicks FROM stats_messages WHERE namespace = ? AND message_id = ?',
    );
    this.putMessage = db.prepare(
      'INSERT OR IGNORE INTO stats_messages (namespace, message_id, submitted_q, opens, clicks) VALUES (?, ?, ?, ?, ?)',
    );
    this.getFlags = db.prepare<[string, string, string], { flags: number }>(
      'SELECT flags FROM stats_recipients WHERE namespace = ? AND message_id = ? AND recipient = ?',
    );
    this.putFlags = db.prepare(
      `INSERT INTO stats_recipients (namespace, message_id, recipient, flags) VALUES (?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET flags = excluded.flags`,
    );
    this.putLink = db.prepare(
      'INSERT OR IGNORE INTO stats_links (namespace, message_id, recipient, link) VALUES (?, ?, ?, ?)',
    );
  }

  /** The `EventRecorder` listener: counts per-recipient message events, ignores the rest. */
  readonly record = (namespace: string, event: MailEventEnvelope): void => {
    if (!event.type.startsWith('message.')) return;
    const data = event.data;
    const messageId = data.messageId;
    const recipient = data.recipient;
    if (typeof messageId !== 'string' || typeof recipient !== 'string') return;
    const at = Date.parse(event.timestamp);
    const message = this.messageFacts(namespace, messageId, at);
    const email = recipient.toLowerCase();
    const before = this.getFlags.get(namespace, messageId, email)?.flags ?? 0;
    let flags = before;
    const add: Partial<Record<StoredCounter, number>> = {};
    const inc = (name: StoredCounter) => {
      add[name] = (add[name] ?? 0) + 1;
    };
    let btype = '';

    switch (event.type) {
      case 'message.queued':
        if (flags & QUEUED) break;
        flags |= QUEUED;
        inc('queued');
        break;
      case 'message.suppressed':
        inc('suppressed');
        // a scheduled message records no message.queued for a suppressed recipient: count it here
        if (!(flags & QUEUED)) {
          flags |= QUEUED;
          inc('queued');
        }
        break;
      case 'message.failed':
        inc('failed');
        break;
      case 'message.delivered':
        if (flags & DELIVERED) break;
        flags |= DELIVERED;
        inc('delivered');
        if (message.opens) inc('deliveredWithOpenTracking');
        if (message.clicks) inc('deliveredWithClickTracking');
        break;
      case 'message.bounced': {
        if (flags & BOUNCED) break;
        flags |= BOUNCED;
        const bounce = (data.bounce ?? {}) as Record<string, unknown>;
        inc(BOUNCE_COUNTER[String(bounce.class)] ?? 'bouncedUndetermined');
        btype = typeof bounce.type === 'string' ? bounce.type : 'undetermined';
        break;
      }
      case 'message.opened': {
        inc('opensTotal');
        const machine = data.machine === true;
        if (machine) inc('opensMachine');
        if (!(flags & OPENED)) {
          flags |= OPENED;
          inc('opensUnique');
        }
        if (!machine && !(flags & OPENED_HUMAN)) {
          flags |= OPENED_HUMAN;
          inc('opensUniqueHuman');
        }
        break;
      }
      case 'message.clicked': {
        inc('clicksTotal');
        if (!(flags & CLICKED)) {
          flags |= CLICKED;
          inc('clicksUnique');
        }
        if (data.bot === true) {
          inc('clicksBot');
          break;
        }
        if (!(flags & CLICKED_HUMAN)) {
          flags |= CLICKED_HUMAN;
          inc('clicksUniqueHuman');
        }
        const link = typeof data.linkId === 'string' ? data.linkId : String(data.url ?? '');
        if (this.putLink.run(namespace, messageId, email, link).changes > 0) inc('uniqueLinksClicked');
        // a human click proves the message was seen: an inferred (human) open when none came first
        if (!(flags & OPENED)) {
          flags |= OPENED;
          inc('opensUnique');
          inc('opensInferred');
        }
        if (!(flags & OPENED_HUMAN)) {
          flags |= OPENED_HUMAN;
          inc('opensUniqueHuman');
        }
        break;
      }
      default: {
        const once = ONCE[event.type];
        if (!once || flags & once[0]) break;
        flags |= once[0];
        inc(once[1]);
      }
    }

    if (flags !== before) this.putFlags.run(namespace, messageId, email, flags);
    const names = Object.keys(add) as StoredCounter[];
    if (names.length === 0) return;
    const upsert = this.upsertFor(names);
    const stream = typeof data.stream === 'string' ? data.stream : '';
    const tag = typeof data.tag === 'string' ? data.tag : '';
    const domain = email.slice(email.lastIndexOf('@') + 1);
    const values = names.map((name) => add[name]);
    const activityHour = Math.floor(at / HOUR_MS);
    const cohortHour = message.submittedHour;
    for (const [basis, hour] of [
      [BASIS_ACTIVITY, activityHour],
      [BASIS_COHORT, cohortHour],
    ] as const) {
      upsert.run(namespace, basis, SCOPE_ALL, hour, stream, tag, '', '', ...values);
      upsert.run(namespace, basis, SCOPE_DOMAIN, hour, stream, tag, '', domain, ...values);
      if (btype) upsert.run(namespace, basis, SCOPE_BOUNCE_TYPE, hour, stream, tag, btype, '', ...values);
    }
  };

  private messageFacts(namespace: string, messageId: string, at: number) {
    const row = this.getMessage.get(namespace, messageId);
    if (row) return { submittedHour: row.submitted_q, opens: row.opens === 1, clicks: row.clicks === 1 };
    const facts = this.lookup(namespace, messageId) ?? { submittedAt: at, opens: false, clicks: false };
    const submittedHour = Math.floor(facts.submittedAt / HOUR_MS);
    this.putMessage.run(namespace, messageId, submittedHour, facts.opens ? 1 : 0, facts.clicks ? 1 : 0);
    return { submittedHour, opens: facts.opens, clicks: facts.clicks };
  }

  private upsertFor(names: StoredCounter[]): Database.Statement {
    const key = names.join(',');
    let statement = this.upserts.get(key);
    if (!statement) {
      const columns = [...KEY_COLUMNS, ...names];
      statement = this.db.prepare(
        `INSERT INTO stats_rollup (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})
         ON CONFLICT DO UPDATE SET ${names.map((n) => `${n} = ${n} + excluded.${n}`).join(', ')}`,
      );
      this.upserts.set(key, statement);
    }
    return statement;
  }
}

/** Facts from a stored message: submittedAt and whether opens and clicks are tracked. */
export function messageFactsOf(message: {
  createdAt: string;
  tracking: { opens: boolean; clicks: string };
}): MessageFacts {
  return {
    submittedAt: Date.parse(message.createdAt),
    opens: message.tracking.opens,
    clicks: message.tracking.clicks !== 'none',
  };
}
