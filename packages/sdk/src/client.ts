import { HttpClient } from './http/http-client.js';
import { type ClientOptions, type ResolvedOptions, readEnv, resolveOptions } from './options.js';
import { type Platform, webPlatform } from './platform.js';
import { redactSecret } from './redact.js';
import { AccountResource } from './resources/account.js';
import { BouncesResource } from './resources/bounces.js';
import { EventsResource } from './resources/events.js';
import { ExportsResource } from './resources/exports.js';
import { MessagesResource } from './resources/messages.js';
import { StatsResource } from './resources/stats.js';
import { SuppressionsResource } from './resources/suppressions.js';
import { TemplatesResource } from './resources/templates.js';
import { WebhookEndpointsResource } from './resources/webhook-endpoints.js';
import type { SmtpSender } from './smtp-sender.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * The client for the mailplatform API. Options: explicit > `MAILPLATFORM_*` environment > defaults;
 * a missing or malformed key throws `ConfigError` here. Per-request options are always the last argument.
 *
 * @example
 * ```ts
 * import { MailPlatform } from '@mailplatform/sdk';
 *
 * const mp = new MailPlatform({ apiKey: process.env.MAILPLATFORM_API_KEY });
 * const sent = await mp.messages.send({
 *   from: 'Hyggeshop <ordre@hyggeshop.dk>',
 *   to: 'kunde@example.dk',
 *   subject: 'Tak for din ordre #1042',
 *   text: 'Vi pakker din ordre i dag og sender den med GLS.',
 * });
 * console.log(sent.id, sent.status); // msg_… queued
 * ```
 */
export class MailPlatform {
  readonly messages: MessagesResource;
  readonly events: EventsResource;
  readonly templates: TemplatesResource;
  readonly stats: StatsResource;
  readonly bounces: BouncesResource;
  readonly suppressions: SuppressionsResource;
  readonly exports: ExportsResource;
  readonly webhookEndpoints: WebhookEndpointsResource;
  readonly account: AccountResource;
  readonly #options: ResolvedOptions;
  readonly #platform: Platform;
  readonly #http: HttpClient;
  #smtp: Promise<SmtpSender> | undefined;

  /** `platform` is the runtime seam; each entry (`node`, default) passes its own. */
  constructor(options: ClientOptions = {}, platform: Platform = webPlatform) {
    const resolved = resolveOptions(options, readEnv());
    if (resolved.transport === undefined && resolved.fetch === undefined) {
      resolved.transport = platform.defaultTransport(resolved);
    }
    this.#options = resolved;
    this.#platform = platform;
    const requester = new HttpClient(resolved);
    this.#http = requester;
    this.messages = new MessagesResource({ requester, platform, smtp: () => this.#smtpSender() });
    this.events = new EventsResource(requester);
    this.templates = new TemplatesResource(requester);
    this.stats = new StatsResource(requester);
    this.bounces = new BouncesResource(requester);
    this.suppressions = new SuppressionsResource(requester);
    this.exports = new ExportsResource(requester);
    this.webhookEndpoints = new WebhookEndpointsResource(requester);
    this.account = new AccountResource(requester);
  }

  /** The API origin in use (without `/v1`). */
  get baseUrl(): string {
    return this.#options.baseUrl;
  }

  /** Closes the SMTP pool (if `via: 'smtp'` opened one) and the HTTP connection pool; in-flight calls finish first. */
  async close(): Promise<void> {
    const smtp = this.#smtp;
    this.#smtp = undefined;
    await Promise.all([smtp?.then((sender) => sender.close()), this.#http.close()]);
  }

  toJSON(): Record<string, unknown> {
    return {
      baseUrl: this.#options.baseUrl,
      apiKey: redactSecret(this.#options.apiKey),
      maxRetries: this.#options.maxRetries,
      deadline: this.#options.deadline,
    };
  }

  [INSPECT](): string {
    return `MailPlatform ${JSON.stringify(this.toJSON())}`;
  }

  #smtpSender(): Promise<SmtpSender> {
    if (this.#smtp === undefined) {
      const pending = this.#platform.createSmtpSender({
        apiKey: this.#options.apiKey,
        smtp: this.#options.smtp,
        logger: this.#options.logger,
        maxRetries: this.#options.maxRetries,
        backoff: this.#options.backoff,
        random: this.#options.random,
      });
      this.#smtp = pending;
      pending.catch(() => {
        if (this.#smtp === pending) this.#smtp = undefined;
      });
    }
    return this.#smtp;
  }
}
