import { randomBytes } from 'node:crypto';
import type { Scheduler } from '../clock/scheduler.js';
import type { VirtualClock } from '../clock/virtual-clock.js';
import type { EventRecorder } from '../events/event-recorder.js';
import { ProblemError } from '../http/problem.js';
import type { IdGenerator } from '../storage/ids.js';
import type {
  Address,
  RecipientType,
  StoredMessage,
  StoredRecipient,
  Suppression,
} from '../storage/json-types.js';
import type { MessageStore } from '../storage/message-store.js';
import type { SqliteDatabase } from '../storage/open-database.js';
import type { SuppressionStore } from '../storage/suppression-store.js';
import type { TemplateStore } from '../storage/template-store.js';
import type { TrackingStore } from '../storage/tracking-store.js';
import { buildMime } from './build-mime.js';
import type { DeliveryEngines, ScenarioStep } from './engines.js';
import type { RelayOutcome, RelayTransport } from './relay-transport.js';
import { type ValidatedMessage, validateMessage } from './validate-message.js';

export interface SubmitOptions {
  channel: 'api' | 'smtp';
  /** Test keys may choose a simulator scenario with `sandbox.simulate`. */
  testKey: boolean;
}

export interface SendRecipientResult {
  email: string;
  type: RecipientType;
  status: 'queued' | 'scheduled' | 'suppressed';
  suppression?: { reason: Suppression['reason']; since: string };
}

/** The contract's 202 body (§5). */
export interface SendMessageResponse {
  id: string;
  status: 'queued' | 'scheduled' | 'suppressed';
  stream: string;
  submittedAt: string;
  recipients: SendRecipientResult[];
}

export interface PipelineDeps {
  db: SqliteDatabase;
  clock: VirtualClock;
  ids: IdGenerator;
  scheduler: Scheduler;
  messages: MessageStore;
  suppressions: SuppressionStore;
  templates: TemplateStore;
  tracking: TrackingStore;
  recorder: EventRecorder;
  engines: DeliveryEngines;
  /** The origin tracking links point at (`http://127.0.0.1:4400` or `--public-url`). */
  publicUrl: () => string;
  /** Called when a message lands in the inbox (wakes long-polls). */
  onCaptured: (namespace: string) => void;
  /** A real SMTP server for recipients outside the simulator domain (`--relay`). */
  relay?: RelayTransport | undefined;
  /** Receives unexpected errors of relay deliveries (they run outside any request). */
  onError?: (error: unknown) => void;
}

const SIMULATOR_DOMAIN = 'sim.mailplatform.test';

export const JOB_SEND = 'message.send';
export const JOB_STEP = 'simulator.step';

export interface StepJob {
  messageId: string;
  recipient: string;
  step: number;
  sentAt: number;
}

/**
 * The one send pipeline behind both ways in (the API route and the SMTP relay): validate → template
 * merge → suppression check → tracking → store + capture in the inbox → simulator events on the clock.
 */
export class MessagePipeline {
  private readonly relaying = new Set<Promise<void>>();

  constructor(private readonly deps: PipelineDeps) {
    deps.scheduler.on(JOB_SEND, (job) =>
      this.dispatch(job.namespace, (job.payload as { messageId: string }).messageId, job.dueAt),
    );
    deps.scheduler.on(JOB_STEP, (job) => this.runStep(job.namespace, job.payload as StepJob, job.dueAt));
  }

  /** Validates and accepts one message; throws a ProblemError (422) for invalid input. */
  async submit(
    namespace: string,
    input: unknown,
    options: SubmitOptions,
    pointerPrefix = '',
  ): Promise<SendMessageResponse> {
    const now = this.deps.clock.now();
    const validated = validateMessage(input, now, pointerPrefix);
    if (validated.simulate !== undefined && !options.testKey) {
      throw new ProblemError(422, 'validation_failed', {
        detail: 'sandbox.simulate needs a test key',
        errors: [
          {
            pointer: `${pointerPrefix}/sandbox/simulate`,
            code: 'test_key_required',
            message: 'sandbox.simulate needs a test key',
          },
        ],
      });
    }
    const content = this.mergeTemplate(namespace, validated, pointerPrefix);
    return this.accept(namespace, validated, content, options, now);
  }

  private mergeTemplate(
    namespace: string,
    message: ValidatedMessage,
    pointerPrefix: string,
  ): { subject: string; html?: string; text?: string; template?: StoredMessage['template'] } {
    const ref = message.template;
    if (!ref) return { subject: message.subject!, ...pick(message) };
    const key = ref.id ?? ref.alias!;
    const template = this.deps.templates.get(namespace, key, ref.version);
    if (!template) {
      throw new ProblemError(422, 'validation_failed', {
        detail: `Template ${key}${ref.version ? `@${ref.version}` : ''} does not exist`,
        errors: [
          { pointer: `${pointerPrefix}/template`, code: 'template_not_found', message: `No template ${key}` },
        ],
      });
    }
    const layout = template.layoutId ? this.deps.templates.get(namespace, template.layoutId) : undefined;
    const rendered = this.deps.engines.renderTemplate({
      subject: message.subject ?? template.subject,
      ...((message.html ?? template.html) !== undefined ? { html: message.html ?? template.html } : {}),
      ...((message.text ?? template.text) !== undefined ? { text: message.text ?? template.text } : {}),
      ...(layout ? { layout: pick(layout) } : {}),
      data: ref.data,
      ...(message.locale ? { locale: message.locale } : {}),
      ...(message.timezone ? { timezone: message.timezone } : {}),
      strict: true,
    });
    if (rendered.missingVariables.length > 0) {
      throw new ProblemError(422, 'template_render_failed', {
        detail: `Missing template variables: ${rendered.missingVariables.join(', ')}`,
        errors: rendered.missingVariables.map((name) => ({
          pointer: `${pointerPrefix}/template/data/${name.replaceAll('.', '/')}`,
          code: 'missing_variable',
          message: `${name} is used by the template but missing from data`,
        })),
        extra: { missingVariables: rendered.missingVariables },
      });
    }
    return {
      subject: rendered.subject,
      ...pick(rendered),
      template: {
        id: template.id,
        ...(template.alias ? { alias: template.alias } : {}),
        version: template.version,
      },
    };
  }

  private async accept(
    namespace: string,
    message: ValidatedMessage,
    content: { subject: string; html?: string; text?: string; template?: StoredMessage['template'] },
    options: SubmitOptions,
    now: number,
  ): Promise<SendMessageResponse> {
    const { ids } = this.deps;
    const id = ids.next('msg');
    const createdAt = new Date(now).toISOString();
    const stored: StoredMessage = {
      id,
      namespace,
      createdAt,
      status: message.scheduledAt !== undefined ? 'scheduled' : 'queued',
      channel: options.channel,
      from: message.from,
      to: message.to,
      cc: message.cc,
      bcc: message.bcc,
      replyTo: message.replyTo,
      subject: content.subject,
      ...pick(content),
      stream: message.stream,
      ...(message.tag !== undefined ? { tag: message.tag } : {}),
      metadata: message.metadata,
      headers: message.headers,
      attachments: message.attachments,
      tracking: { opens: message.tracking.opens ?? true, clicks: message.tracking.clicks ?? 'html' },
      ...(content.template ? { template: content.template } : {}),
      ...(message.scheduledAt !== undefined
        ? { scheduledAt: new Date(message.scheduledAt).toISOString() }
        : {}),
      ...(message.simulate !== undefined ? { simulate: message.simulate } : {}),
      messageIdHeader: `<${id}@sandbox.mailplatform.test>`,
    };

    const seen = new Set<string>();
    const targets: { address: Address; type: RecipientType }[] = [];
    for (const type of ['to', 'cc', 'bcc'] as const) {
      for (const address of message[type]) {
        const email = address.email.toLowerCase();
        if (seen.has(email)) continue;
        seen.add(email);
        targets.push({ address: { ...address, email }, type });
      }
    }

    const results: SendRecipientResult[] = [];
    const recipients: StoredRecipient[] = [];
    targets.forEach(({ address, type }, position) => {
      const suppression = this.suppressionOf(namespace, address.email, stored);
      const status = suppression ? 'suppressed' : stored.status === 'scheduled' ? 'scheduled' : 'queued';
      results.push({
        email: address.email,
        type,
        status,
        ...(suppression ? { suppression: { reason: suppression.reason, since: suppression.createdAt } } : {}),
      });
      const tracked = suppression ? { links: [] } : this.track(namespace, stored, address.email);
      recipients.push({
        messageId: id,
        position,
        email: address.email,
        type,
        status: 'queued',
        ...pick(tracked),
        links: tracked.links,
        firstEvents: {},
      });
    });
    if (results.every((r) => r.status === 'suppressed')) stored.status = 'suppressed';

    const first = recipients.find((_r, i) => results[i]!.status !== 'suppressed') ?? recipients[0]!;
    const mime = await buildMime(stored, {
      ...pick(first.html !== undefined || first.text !== undefined ? first : stored),
    });

    this.deps.db.transaction(() => {
      this.deps.messages.insert(stored, recipients);
      this.deps.messages.saveRaw(id, mime);
      results.forEach((result) => {
        const data = { recipientType: result.type, channel: options.channel };
        if (stored.scheduledAt) {
          this.deps.recorder.recordMessageEvent(stored, result.email, 'message.scheduled', now, {
            ...data,
            scheduledAt: stored.scheduledAt,
          });
        } else {
          this.deps.recorder.recordMessageEvent(stored, result.email, 'message.queued', now, data);
        }
        if (result.suppression) {
          this.deps.recorder.recordMessageEvent(stored, result.email, 'message.suppressed', now, {
            suppression: result.suppression,
          });
        }
      });
      if (stored.scheduledAt) {
        this.deps.scheduler.schedule(namespace, Date.parse(stored.scheduledAt), JOB_SEND, { messageId: id });
      }
    })();

    if (!stored.scheduledAt && stored.status !== 'suppressed') this.startDelivery(stored, now);
    this.deps.onCaptured(namespace);
    return {
      id,
      status:
        stored.status === 'scheduled'
          ? 'scheduled'
          : stored.status === 'suppressed'
            ? 'suppressed'
            : 'queued',
      stream: stored.stream,
      submittedAt: createdAt,
      recipients: results,
    };
  }

  /** Cancels a scheduled message; returns false when it is not (or no longer) scheduled. */
  cancel(namespace: string, id: string): boolean {
    const message = this.deps.messages.get(namespace, id);
    if (message?.status !== 'scheduled') return false;
    this.deps.db.transaction(() => {
      this.deps.messages.setStatus(id, 'cancelled');
      for (const r of this.deps.messages.recipients(id))
        this.deps.messages.setRecipientStatus(id, r.email, 'cancelled');
    })();
    return true;
  }

  private suppressionOf(namespace: string, email: string, message: StoredMessage): Suppression | undefined {
    const existing = this.deps.suppressions.get(namespace, email, message.stream);
    if (existing) return existing;
    if (this.scenarioName(email, message) !== 'suppressed') return undefined;
    // the simulator's `suppressed` address is pre-seeded on the list
    const seeded: Suppression = {
      id: this.deps.ids.next('sup'),
      email,
      stream: message.stream,
      reason: 'manual',
      origin: 'api',
      createdAt: message.createdAt,
      lastEventId: null,
      bounceType: null,
      enhancedCode: null,
      diagnostic: null,
    };
    this.deps.suppressions.add(namespace, seeded);
    return seeded;
  }

  private scenarioName(email: string, message: StoredMessage): string | undefined {
    if (message.simulate) return message.simulate;
    const [local, domain] = email.split('@');
    return domain === SIMULATOR_DOMAIN ? local?.split('+')[0] : undefined;
  }

  private track(namespace: string, message: StoredMessage, recipient: string) {
    const { tracking } = message;
    if (!tracking.opens && tracking.clicks === 'none') return { ...pick(message), links: [] };
    const openToken = token();
    const base = this.deps.publicUrl();
    const out = this.deps.engines.applyTracking({
      ...pick(message),
      baseUrl: base,
      openToken,
      opens: tracking.opens,
      clicks: tracking.clicks,
      ...listUnsubscribe(message.headers),
      clickToken: (url, linkId) => {
        const t = token();
        this.deps.tracking.add({
          token: t,
          namespace,
          messageId: message.id,
          recipient,
          kind: 'click',
          url,
          linkId,
        });
        return t;
      },
    });
    if (tracking.opens) {
      this.deps.tracking.add({
        token: openToken,
        namespace,
        messageId: message.id,
        recipient,
        kind: 'open',
        url: null,
        linkId: null,
      });
    }
    return out;
  }

  private dispatch(namespace: string, messageId: string, at: number): void {
    const message = this.deps.messages.get(namespace, messageId);
    if (message?.status !== 'scheduled') return;
    this.deps.db.transaction(() => {
      this.deps.messages.setStatus(messageId, 'queued');
      for (const r of this.deps.messages.recipients(messageId)) {
        if (r.status === 'suppressed') continue;
        this.deps.recorder.recordMessageEvent(message, r.email, 'message.queued', at, {
          recipientType: r.type,
          channel: message.channel,
        });
      }
    })();
    this.startDelivery({ ...message, status: 'queued' }, at);
    this.deps.onCaptured(namespace);
  }

  /** Resolves once every relay delivery in flight has recorded its outcome. */
  async settled(): Promise<void> {
    while (this.relaying.size > 0) await Promise.allSettled([...this.relaying]);
  }

  private startDelivery(message: StoredMessage, at: number): void {
    for (const r of this.deps.messages.recipients(message.id)) {
      if (r.status === 'suppressed' || r.status === 'cancelled') continue;
      const relay = this.deps.relay;
      if (relay && r.email.split('@')[1] !== SIMULATOR_DOMAIN) {
        const run = this.relayOne(relay, message, r).catch((error: unknown) => this.deps.onError?.(error));
        this.relaying.add(run);
        void run.finally(() => this.relaying.delete(run));
        continue;
      }
      const scenario = this.deps.engines.scenarioFor(r.email, message.simulate);
      scenario.steps.forEach((step, index) => {
        this.deps.scheduler.schedule(message.namespace, at + step.afterMs, JOB_STEP, {
          messageId: message.id,
          recipient: r.email,
          step: index,
          sentAt: at,
        } satisfies StepJob);
      });
    }
  }

  /** One attempt at the real relay; a 4xx or an unreachable relay is one `message.deferred`, not retried. */
  private async relayOne(relay: RelayTransport, message: StoredMessage, recipient: StoredRecipient) {
    const mime = await buildMime(message, pick(recipient), { controlHeaders: false });
    const sentAt = this.deps.clock.now();
    const result = await relay.deliver(message.from.email, recipient.email, mime);
    const at = this.deps.clock.now();
    const type = `message.${result.kind}`;
    this.deps.db.transaction(() => {
      this.deps.recorder.recordMessageEvent(
        message,
        recipient.email,
        type,
        at,
        relayData(result, at - sentAt),
      );
    })();
  }

  private runStep(namespace: string, job: StepJob, at: number): void {
    const message = this.deps.messages.get(namespace, job.messageId);
    if (!message || message.status === 'cancelled') return;
    const recipient = this.deps.messages.recipient(job.messageId, job.recipient);
    if (!recipient) return;
    const step = this.deps.engines.scenarioFor(job.recipient, message.simulate).steps[job.step];
    if (!step || step.type === 'message.suppressed') return;
    this.deps.db.transaction(() => {
      if (step.type === 'message.clicked' && step.details?.link === 'all') {
        for (const link of recipient.links) {
          this.deps.recorder.recordMessageEvent(message, job.recipient, step.type, at, {
            ...this.stepData(step, recipient, job, at),
            url: link.url,
            linkId: link.linkId,
          });
        }
        return;
      }
      this.deps.recorder.recordMessageEvent(
        message,
        job.recipient,
        step.type,
        at,
        this.stepData(step, recipient, job, at),
      );
    })();
  }

  private stepData(
    step: ScenarioStep,
    recipient: StoredRecipient,
    job: StepJob,
    at: number,
  ): Record<string, unknown> {
    const { suppress: _suppress, link: _link, ...details } = step.details ?? {};
    const smtp = {
      ...(step.smtpCode !== undefined ? { smtpCode: step.smtpCode } : {}),
      ...(step.enhancedCode !== undefined ? { enhancedCode: step.enhancedCode } : {}),
      ...(step.diagnostic !== undefined ? { diagnostic: step.diagnostic } : {}),
    };
    switch (step.type) {
      case 'message.delivered':
        return {
          smtpResponse: step.diagnostic ?? '250 2.0.0 OK',
          remoteMta: 'mx.sim.mailplatform.test',
          tls: true,
          attempts: 1,
          durationMs: at - job.sentAt,
          ...details,
        };
      case 'message.bounced': {
        const transport = step.details?.transport;
        const classified = this.deps.engines.classifyBounce({
          ...smtp,
          ...(step.phase ? { phase: step.phase } : {}),
          ...(typeof transport === 'string' ? { transport } : {}),
        });
        return bounceData({
          ...details,
          ...classified,
          ...smtp,
          remoteMta: 'mx.sim.mailplatform.test',
          phase: step.phase ?? 'rcpt',
        });
      }
      case 'message.deferred':
        return { ...smtp, attempt: 1, ...details };
      case 'message.clicked': {
        const link = recipient.links[0];
        return {
          url: link?.url ?? null,
          linkId: link?.linkId ?? null,
          firstClick: recipient.firstEvents.clicked === undefined,
          bot: false,
          inferredOpen: recipient.firstEvents.opened === undefined,
          ...details,
        };
      }
      case 'message.opened':
        return { firstOpen: recipient.firstEvents.opened === undefined, machine: false, ...details };
      default:
        return { ...details };
    }
  }
}

/** The `message.bounced` payload, the same for simulated and relayed bounces. */
function bounceData(
  bounce: { class: string; type: string; rule: string; remoteMta: string; phase: string } & Record<
    string,
    unknown
  >,
): Record<string, unknown> {
  return { bounce: { ...bounce, attempts: 1 } };
}

function relayData(result: RelayOutcome, durationMs: number): Record<string, unknown> {
  switch (result.kind) {
    case 'delivered':
      return {
        smtpResponse: result.smtpResponse,
        remoteMta: result.remoteMta,
        tls: false,
        attempts: 1,
        durationMs,
      };
    case 'bounced': {
      const { kind: _kind, ...bounce } = result;
      return bounceData(bounce);
    }
    case 'deferred': {
      const { kind: _kind, ...deferral } = result;
      return { ...deferral, attempt: 1 };
    }
  }
}

function pick<T extends { html?: string | undefined; text?: string | undefined }>(
  source: T,
): { html?: string; text?: string } {
  return {
    ...(source.html !== undefined ? { html: source.html } : {}),
    ...(source.text !== undefined ? { text: source.text } : {}),
  };
}

/** The `List-Unsubscribe` header (any case), whose URLs tracking must leave alone. */
function listUnsubscribe(headers: Record<string, string>): { listUnsubscribe?: string } {
  const name = Object.keys(headers).find((key) => key.toLowerCase() === 'list-unsubscribe');
  return name !== undefined ? { listUnsubscribe: headers[name]! } : {};
}

function token(): string {
  return randomBytes(16).toString('base64url');
}
