import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventRoutes } from './api/event-routes.js';
import { eventStreamListener } from './api/event-stream-route.js';
import { exportRoutes } from './api/export-routes.js';
import { messageRoutes } from './api/message-routes.js';
import { statsRoutes } from './api/stats-routes.js';
import { suppressionRoutes } from './api/suppression-routes.js';
import { templateRoutes } from './api/template-routes.js';
import { trackingRoutes } from './api/tracking-routes.js';
import { webhookRoutes } from './api/webhook-routes.js';
import type { ClockOptions } from './clock/virtual-clock.js';
import { controlRoutes } from './control/control-routes.js';
import { defaultEngines } from './core/default-engines.js';
import { SandboxCore } from './core/sandbox-core.js';
import { authenticateKey } from './http/auth.js';
import { fingerprint } from './http/canonical-json.js';
import { ProblemError } from './http/problem.js';
import { RateLimitCounter } from './http/rate-limit.js';
import { Router } from './http/router.js';
import { createRequestListener } from './http/server.js';
import { RelayTransport } from './pipeline/relay-transport.js';
import { createSmtpRelay, type SmtpRelay } from './smtp/index.js';
import { connectSandbox } from './test-helper/connect-sandbox.js';
import type { SandboxHelper } from './test-helper/types.js';
import { webRoutes } from './web/web-routes.js';
import type { WebhookOptions } from './webhooks/webhook-dispatcher.js';

export interface SandboxOptions {
  /** HTTP port; default 4400, 0 picks a free one. */
  port?: number;
  /** SMTP port; default 4425, 0 picks a free one, null or false disables the relay. */
  smtpPort?: number | null | false;
  /**
   * Implicit-TLS (SMTPS) port of the same relay; 0 picks a free one. Off unless given (so parallel
   * tests never collide on it); the bin and `mailplatform dev` default it to 4465.
   */
  smtpsPort?: number | null | false;
  host?: string;
  /** Persist to `<dataDir>/sandbox.sqlite`; in memory when absent. */
  dataDir?: string;
  /** Start the virtual clock frozen and/or at a given instant. */
  clock?: ClockOptions;
  /** Origin for tracking links when the sandbox sits behind a proxy. */
  publicUrl?: string;
  /** Accept any bearer token, not only `mp_test_` keys. */
  acceptAnyKey?: boolean;
  /** Receives unexpected internal errors (the sandbox never logs by itself). */
  onError?: (error: unknown) => void;
  /** Webhook delivery: `allowRemote` (`--allow-remote-webhooks`; loopback only by default), `jitter`. */
  webhooks?: WebhookOptions;
  /**
   * `smtp://host:port`: besides the inbox, each recipient outside sim.mailplatform.test is handed to this
   * real SMTP server (one attempt; its reply becomes delivered, bounced or deferred). Loopback only.
   */
  relay?: string;
  /** Accept a non-loopback `relay` host (`--allow-remote-relay`). */
  allowRemoteRelay?: boolean;
}

/** A running sandbox; `inbox`, `clock`, `simulate` and `reset` act for `apiKey`'s namespace. */
export interface Sandbox extends SandboxHelper {
  url: string;
  smtpUrl: string | null;
  smtpPort: number | null;
  /** `smtps://host:port` of the implicit-TLS listener (self-signed certificate), null when off. */
  smtpsUrl: string | null;
  smtpsPort: number | null;
  /** A fresh `mp_test_` key: its own namespace. */
  apiKey: string;
  /** The in-process state (stores, virtual clock, pipeline), for tests that reach below the HTTP API. */
  core: SandboxCore;
  close(): Promise<void>;
}

export function newTestKey(): string {
  return `mp_test_${randomBytes(18).toString('base64url')}`;
}

/** A pipeline problem for the relay: the status kept (4xx → 554), the field messages as the reply text. */
function smtpRejection(error: ProblemError): Error {
  const text = error.errors?.map((field) => field.message).join('; ') || error.message;
  return Object.assign(new Error(text), { status: error.status, code: error.code });
}

/** Starts the local platform: HTTP API, control API, tracking endpoints and the SMTP relay. */
export async function createSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const acceptAnyKey = options.acceptAnyKey ?? false;
  const onError = options.onError ?? (() => {});
  const outbound =
    options.relay !== undefined
      ? new RelayTransport({ url: options.relay, allowRemote: options.allowRemoteRelay ?? false })
      : undefined;
  let url = '';
  const core = new SandboxCore({
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    ...(options.clock !== undefined ? { clock: options.clock } : {}),
    engines: defaultEngines,
    publicUrl: () => options.publicUrl?.replace(/\/$/, '') ?? url,
    onError,
    ...(options.webhooks !== undefined ? { webhooks: options.webhooks } : {}),
    ...(outbound !== undefined ? { relay: outbound } : {}),
  });
  const router = new Router();
  router.add(
    ...messageRoutes(core),
    ...eventRoutes(core),
    ...suppressionRoutes(core),
    ...templateRoutes(core),
    ...trackingRoutes(core),
    ...controlRoutes(core),
    ...statsRoutes(core),
    ...exportRoutes(core),
    ...webhookRoutes(core),
    ...webRoutes(core),
  );
  const eventStream = eventStreamListener(core, { acceptAnyKey });
  const api = createRequestListener({
    router,
    ids: core.ids,
    idempotency: core.idempotency,
    rateLimits: new RateLimitCounter(),
    chaos: core.chaos,
    acceptAnyKey,
    onError,
  });
  const server: Server = createServer((req, res) => {
    if (!eventStream.handle(req, res)) api(req, res);
  });
  server.requestTimeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4400, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const startRelay = (listenPort: number, secure: boolean) =>
    createSmtpRelay({
      host,
      port: listenPort,
      secure,
      authenticate: async (apiKey) => {
        try {
          return authenticateKey(apiKey, acceptAnyKey).namespace;
        } catch {
          return null;
        }
      },
      submit: async (namespace, message, submitOptions) => {
        const key = submitOptions.idempotencyKey;
        const scope = { namespace, method: 'SMTP', path: '/v1/messages', key: key ?? '' };
        if (key !== undefined) {
          const begun = core.idempotency.begin(scope, fingerprint(message));
          if (begun.kind === 'replay') return { id: (begun.body as { id: string }).id, duplicate: true };
        }
        try {
          const result = await core.pipeline.submit(namespace, message, { channel: 'smtp', testKey: true });
          if (key !== undefined) core.idempotency.finish(scope, 202, result);
          return { id: result.id, duplicate: false };
        } catch (error) {
          if (key !== undefined) core.idempotency.abandon(scope);
          throw error instanceof ProblemError ? smtpRejection(error) : error;
        }
      },
      chaos: (phase) => {
        const failure = core.chaos.take(phase);
        return failure
          ? { phase, code: failure.code, ...(failure.message ? { message: failure.message } : {}) }
          : null;
      },
    });
  const enabled = (value: number | null | false): value is number => value !== null && value !== false;
  const smtpPort = options.smtpPort === undefined ? 4425 : options.smtpPort;
  const smtpsPort = options.smtpsPort ?? null;
  let relay: SmtpRelay | null = null;
  let smtpsRelay: SmtpRelay | null = null;
  try {
    if (enabled(smtpPort)) relay = await startRelay(smtpPort, false);
    if (enabled(smtpsPort)) smtpsRelay = await startRelay(smtpsPort, true);
  } catch (error) {
    await relay?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    core.close();
    throw error;
  }
  core.start();

  const apiKey = newTestKey();
  return {
    ...connectSandbox({ url, apiKey }),
    url,
    smtpUrl: relay ? `smtp://${host}:${relay.port}` : null,
    smtpPort: relay ? relay.port : null,
    smtpsUrl: smtpsRelay ? `smtps://${host}:${smtpsRelay.port}` : null,
    smtpsPort: smtpsRelay ? smtpsRelay.port : null,
    apiKey,
    core,
    async close() {
      await relay?.close();
      await smtpsRelay?.close();
      await eventStream.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await core.pipeline.settled();
      core.close();
    },
  };
}
