export interface Migration {
  version: number;
  sql: string;
}

/** Applied in order, each once; the `migrations` table records what ran. Never edit a shipped one. */
export const migrations: Migration[] = [
  {
    version: 1,
    sql: `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE namespaces (
  id TEXT PRIMARY KEY,
  key_prefix TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE messages (
  id TEXT PRIMARY KEY,
  namespace TEXT NOT NULL,
  created_at TEXT NOT NULL,
  status TEXT NOT NULL,
  stream TEXT NOT NULL,
  tag TEXT,
  from_email TEXT NOT NULL,
  subject TEXT NOT NULL,
  channel TEXT NOT NULL,
  scheduled_at TEXT,
  body TEXT NOT NULL
);
CREATE INDEX messages_listing ON messages (namespace, created_at, id);

CREATE TABLE recipients (
  message_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  email TEXT NOT NULL,
  type TEXT NOT NULL,
  status TEXT NOT NULL,
  html TEXT,
  text TEXT,
  links TEXT NOT NULL DEFAULT '[]',
  first_events TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (message_id, email)
);
CREATE INDEX recipients_email ON recipients (email, message_id);

CREATE TABLE raw_mime (
  message_id TEXT PRIMARY KEY,
  mime BLOB NOT NULL
);

CREATE TABLE events (
  id TEXT PRIMARY KEY,
  namespace TEXT NOT NULL,
  type TEXT NOT NULL,
  timestamp TEXT NOT NULL,
  message_id TEXT,
  recipient TEXT,
  stream TEXT,
  tag TEXT,
  body TEXT NOT NULL
);
CREATE INDEX events_listing ON events (namespace, timestamp, id);
CREATE INDEX events_message ON events (namespace, message_id, timestamp, id);
CREATE INDEX events_stats ON events (namespace, type, stream, tag, timestamp);

CREATE TABLE templates (
  id TEXT PRIMARY KEY,
  namespace TEXT NOT NULL,
  alias TEXT,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX templates_alias ON templates (namespace, alias) WHERE alias IS NOT NULL;

CREATE TABLE template_versions (
  template_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (template_id, version)
);

CREATE TABLE suppressions (
  id TEXT PRIMARY KEY,
  namespace TEXT NOT NULL,
  email TEXT NOT NULL,
  stream TEXT NOT NULL,
  reason TEXT NOT NULL,
  origin TEXT NOT NULL,
  created_at TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE UNIQUE INDEX suppressions_address ON suppressions (namespace, email, stream);

CREATE TABLE idempotency_keys (
  namespace TEXT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  state TEXT NOT NULL,
  status INTEGER,
  body TEXT,
  expires_at INTEGER,
  PRIMARY KEY (namespace, method, path, key)
);

CREATE TABLE tracking_tokens (
  token TEXT PRIMARY KEY,
  namespace TEXT NOT NULL,
  message_id TEXT NOT NULL,
  recipient TEXT NOT NULL,
  kind TEXT NOT NULL,
  url TEXT,
  link_id TEXT
);
CREATE INDEX tracking_tokens_message ON tracking_tokens (message_id, recipient);

CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  namespace TEXT NOT NULL,
  due_at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL
);
CREATE INDEX jobs_due ON jobs (due_at, id);

CREATE TABLE webhook_endpoints (
  id TEXT PRIMARY KEY,
  namespace TEXT NOT NULL,
  created_at TEXT NOT NULL,
  body TEXT NOT NULL
);

CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  namespace TEXT NOT NULL,
  webhook_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (webhook_id, created_at, id);

CREATE TABLE exports (
  id TEXT PRIMARY KEY,
  namespace TEXT NOT NULL,
  created_at TEXT NOT NULL,
  body TEXT NOT NULL,
  content BLOB
);
`,
  },
  {
    version: 2,
    sql: `
-- statistics (src/stats): counters per (basis, scope, UTC hour (q), stream, tag, bounce type, domain);
-- basis 0 = activity (event time), 1 = cohort (message submittedAt); scope 0 = all domains, 1 = per domain
CREATE TABLE stats_rollup (
  namespace TEXT NOT NULL,
  basis INTEGER NOT NULL,
  scope INTEGER NOT NULL,
  q INTEGER NOT NULL,
  stream TEXT NOT NULL,
  tag TEXT NOT NULL,
  btype TEXT NOT NULL,
  domain TEXT NOT NULL,
  queued INTEGER NOT NULL DEFAULT 0,
  suppressed INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0,
  delivered INTEGER NOT NULL DEFAULT 0,
  deferredRecipients INTEGER NOT NULL DEFAULT 0,
  bouncedHard INTEGER NOT NULL DEFAULT 0,
  bouncedSoft INTEGER NOT NULL DEFAULT 0,
  bouncedBlock INTEGER NOT NULL DEFAULT 0,
  bouncedUndetermined INTEGER NOT NULL DEFAULT 0,
  complained INTEGER NOT NULL DEFAULT 0,
  unsubscribed INTEGER NOT NULL DEFAULT 0,
  opensTotal INTEGER NOT NULL DEFAULT 0,
  opensUnique INTEGER NOT NULL DEFAULT 0,
  opensUniqueHuman INTEGER NOT NULL DEFAULT 0,
  opensMachine INTEGER NOT NULL DEFAULT 0,
  opensInferred INTEGER NOT NULL DEFAULT 0,
  clicksTotal INTEGER NOT NULL DEFAULT 0,
  clicksUnique INTEGER NOT NULL DEFAULT 0,
  clicksUniqueHuman INTEGER NOT NULL DEFAULT 0,
  clicksBot INTEGER NOT NULL DEFAULT 0,
  uniqueLinksClicked INTEGER NOT NULL DEFAULT 0,
  deliveredWithOpenTracking INTEGER NOT NULL DEFAULT 0,
  deliveredWithClickTracking INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (namespace, basis, scope, q, stream, tag, btype, domain)
) WITHOUT ROWID;

CREATE TABLE stats_messages (
  namespace TEXT NOT NULL,
  message_id TEXT NOT NULL,
  submitted_q INTEGER NOT NULL,
  opens INTEGER NOT NULL,
  clicks INTEGER NOT NULL,
  PRIMARY KEY (namespace, message_id)
) WITHOUT ROWID;

CREATE TABLE stats_recipients (
  namespace TEXT NOT NULL,
  message_id TEXT NOT NULL,
  recipient TEXT NOT NULL,
  flags INTEGER NOT NULL,
  PRIMARY KEY (namespace, message_id, recipient)
) WITHOUT ROWID;

CREATE TABLE stats_links (
  namespace TEXT NOT NULL,
  message_id TEXT NOT NULL,
  recipient TEXT NOT NULL,
  link TEXT NOT NULL,
  PRIMARY KEY (namespace, message_id, recipient, link)
) WITHOUT ROWID;
`,
  },
];
