import { Scheduler } from '../clock/scheduler.js';
import { type ClockOptions, type ClockState, VirtualClock } from '../clock/virtual-clock.js';
import { ChaosState } from '../control/chaos-state.js';
import { EventRecorder } from '../events/event-recorder.js';
import { IdempotencyStore } from '../http/idempotency.js';
import type { DeliveryEngines } from '../pipeline/engines.js';
import { MessagePipeline } from '../pipeline/message-pipeline.js';
import type { RelayTransport } from '../pipeline/relay-transport.js';
import { EventStore } from '../storage/event-store.js';
import { IdGenerator } from '../storage/ids.js';
import { MessageStore } from '../storage/message-store.js';
import { openDatabase, type SqliteDatabase } from '../storage/open-database.js';
import { SuppressionStore } from '../storage/suppression-store.js';
import { TemplateStore } from '../storage/template-store.js';
import { TrackingStore } from '../storage/tracking-store.js';
import { WebhookDispatcher, type WebhookOptions } from '../webhooks/webhook-dispatcher.js';
import { WebhookStore } from '../webhooks/webhook-store.js';
import { InboxNotifier } from './inbox-notifier.js';

export interface CoreOptions {
  dataDir?: string;
  clock?: ClockOptions;
  engines: DeliveryEngines;
  publicUrl: () => string;
  onError: (error: unknown) => void;
  webhooks?: WebhookOptions;
  /** Hands non-simulated recipients to a real SMTP server (`--relay`). */
  relay?: RelayTransport;
}

const NAMESPACED_TABLES = [
  'messages',
  'events',
  'templates',
  'suppressions',
  'idempotency_keys',
  'tracking_tokens',
  'jobs',
  'webhook_endpoints',
  'webhook_deliveries',
  'exports',
  'stats_rollup',
  'stats_messages',
  'stats_recipients',
  'stats_links',
];

/** Everything that holds state, wired once: database, clock, scheduler, stores, pipeline. */
export class SandboxCore {
  readonly db: SqliteDatabase;
  readonly clock: VirtualClock;
  readonly ids: IdGenerator;
  readonly scheduler: Scheduler;
  readonly messages: MessageStore;
  readonly events: EventStore;
  readonly suppressions: SuppressionStore;
  readonly templates: TemplateStore;
  readonly tracking: TrackingStore;
  readonly idempotency: IdempotencyStore;
  readonly recorder: EventRecorder;
  readonly pipeline: MessagePipeline;
  readonly webhooks: WebhookDispatcher;
  readonly chaos = new ChaosState();
  readonly inbox = new InboxNotifier();
  readonly engines: DeliveryEngines;
  /** The origin that links in mail and API answers point at (the listening address or `--public-url`). */
  readonly publicUrl: () => string;
  private readonly saveClock;

  constructor(options: CoreOptions) {
    this.db = openDatabase(options.dataDir);
    this.engines = options.engines;
    this.publicUrl = options.publicUrl;
    const savedClock = this.db
      .prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'clock'")
      .get();
    this.clock = new VirtualClock(
      savedClock && !options.clock
        ? { state: JSON.parse(savedClock.value) as ClockState }
        : (options.clock ?? {}),
    );
    this.saveClock = this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('clock', ?)");
    this.clock.onChange(() => this.saveClock.run(JSON.stringify(this.clock.state())));
    this.ids = new IdGenerator(() => this.clock.now());
    this.scheduler = new Scheduler(this.db, this.clock, this.ids, (error) => options.onError(error));
    this.messages = new MessageStore(this.db);
    this.events = new EventStore(this.db);
    this.suppressions = new SuppressionStore(this.db);
    this.templates = new TemplateStore(this.db);
    this.tracking = new TrackingStore(this.db);
    this.idempotency = new IdempotencyStore(this.db, this.clock);
    this.recorder = new EventRecorder(this.ids, this.events, this.messages, this.suppressions);
    this.pipeline = new MessagePipeline({
      db: this.db,
      clock: this.clock,
      ids: this.ids,
      scheduler: this.scheduler,
      messages: this.messages,
      suppressions: this.suppressions,
      templates: this.templates,
      tracking: this.tracking,
      recorder: this.recorder,
      engines: options.engines,
      publicUrl: options.publicUrl,
      onCaptured: (namespace) => this.inbox.notify(namespace),
      relay: options.relay,
      onError: options.onError,
    });
    this.webhooks = new WebhookDispatcher(
      {
        clock: this.clock,
        ids: this.ids,
        scheduler: this.scheduler,
        store: new WebhookStore(this.db),
        recorder: this.recorder,
        onError: options.onError,
      },
      options.webhooks,
    );
  }

  /** Starts the scheduler: jobs that fell due while the sandbox was down run now. */
  start(): void {
    this.scheduler.kick();
  }

  /** Clears one namespace, or everything. */
  reset(namespace?: string): void {
    this.db.transaction(() => {
      if (namespace === undefined) {
        for (const table of [...NAMESPACED_TABLES, 'recipients', 'raw_mime', 'template_versions']) {
          this.db.exec(`DELETE FROM ${table}`);
        }
        return;
      }
      this.db
        .prepare('DELETE FROM raw_mime WHERE message_id IN (SELECT id FROM messages WHERE namespace = ?)')
        .run(namespace);
      this.db
        .prepare('DELETE FROM recipients WHERE message_id IN (SELECT id FROM messages WHERE namespace = ?)')
        .run(namespace);
      this.db
        .prepare(
          'DELETE FROM template_versions WHERE template_id IN (SELECT id FROM templates WHERE namespace = ?)',
        )
        .run(namespace);
      for (const table of NAMESPACED_TABLES)
        this.db.prepare(`DELETE FROM ${table} WHERE namespace = ?`).run(namespace);
    })();
  }

  close(): void {
    this.webhooks.close();
    this.scheduler.close();
    this.inbox.close();
    this.db.close();
  }
}
