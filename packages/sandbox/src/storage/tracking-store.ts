import type { SqliteDatabase } from './open-database.js';

export interface TrackingToken {
  token: string;
  namespace: string;
  messageId: string;
  recipient: string;
  kind: 'open' | 'click';
  url: string | null;
  linkId: string | null;
}

interface TokenRow {
  token: string;
  namespace: string;
  message_id: string;
  recipient: string;
  kind: 'open' | 'click';
  url: string | null;
  link_id: string | null;
}

export class TrackingStore {
  private readonly insertToken;
  private readonly selectToken;

  constructor(db: SqliteDatabase) {
    this.insertToken = db.prepare(
      `INSERT INTO tracking_tokens (token, namespace, message_id, recipient, kind, url, link_id)
       VALUES (@token, @namespace, @messageId, @recipient, @kind, @url, @linkId)`,
    );
    this.selectToken = db.prepare<[string], TokenRow>('SELECT * FROM tracking_tokens WHERE token = ?');
  }

  add(token: TrackingToken): void {
    this.insertToken.run(token);
  }

  get(token: string): TrackingToken | undefined {
    const row = this.selectToken.get(token);
    if (!row) return undefined;
    return {
      token: row.token,
      namespace: row.namespace,
      messageId: row.message_id,
      recipient: row.recipient,
      kind: row.kind,
      url: row.url,
      linkId: row.link_id,
    };
  }
}
