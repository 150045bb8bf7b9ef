import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { isLoopbackHost } from '@mailplatform/sdk';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { buildRelayMessage, type SmtpEnvelope } from './build-relay-message.js';
import { InvalidControlHeaderError } from './invalid-control-header-error.js';
import type { RelayMessage } from './relay-message.js';
import { RelayServer } from './relay-server.js';
import { createSelfSignedCertificate } from './self-signed-certificate.js';

export type SmtpPhase = 'connect' | 'auth' | 'mailFrom' | 'rcptTo' | 'data';

/** A reply the chaos hook injects; `message` may start with an enhanced code (`4.3.0 Temporary failure`). */
export interface SmtpChaosReply {
  phase: SmtpPhase;
  code: number;
  message?: string;
}

export interface SubmitOptions {
  channel: 'smtp';
  idempotencyKey: string | undefined;
  /** The MIME as received, control headers removed. */
  rawMime: Buffer;
  envelope: SmtpEnvelope;
}

export interface SubmitResult {
  id: string;
  /** The idempotency key was seen before: nothing new was queued. */
  duplicate: boolean;
}

export interface RelayLogger {
  debug?(message: string, fields?: Record<string, unknown>): void;
  info?(message: string, fields?: Record<string, unknown>): void;
  warn?(message: string, fields?: Record<string, unknown>): void;
  error?(message: string, fields?: Record<string, unknown>): void;
}

export interface SmtpRelayOptions {
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** Implicit TLS (the SMTPS port); otherwise plain with STARTTLS offered. */
  secure?: boolean;
  /**
   * Refuse AUTH before STARTTLS with `530 5.7.0`. Defaults to false on a loopback host (the sandbox
   * accepts plain AUTH on 127.0.0.1, contract §16) and true anywhere else.
   */
  requireTls?: boolean;
  /** The password of AUTH PLAIN/LOGIN is the API key; resolve it to a namespace, null refuses it (535). */
  authenticate(apiKey: string): Promise<string | null>;
  /** Makes AUTH optional (`--smtp-auth=none`): unauthenticated sessions submit into this namespace. */
  anonymousNamespace?: string;
  submit(namespace: string, message: RelayMessage, options: SubmitOptions): Promise<SubmitResult>;
  /** Bytes; default 10 MB. */
  maxSize?: number;
  /** Default 50 (contract §1). */
  maxRecipients?: number;
  /** Asked at every phase; a reply whose `phase` matches the current one is sent instead of going on. */
  chaos?: (phase: SmtpPhase) => SmtpChaosReply | null;
  /** PEM; a self-signed certificate for localhost and 127.0.0.1 is generated when absent. */
  key?: string;
  cert?: string;
  /** Host name in the greeting and EHLO reply. */
  name?: string;
  logger?: RelayLogger;
}

export interface SmtpRelay {
  port: number;
  close(): Promise<void>;
}

export const DEFAULT_MAX_SIZE = 10 * 1024 * 1024;
export const DEFAULT_MAX_RECIPIENTS = 50;

interface ReplyError extends Error {
  responseCode: number;
}

function reply(code: number, text: string): ReplyError {
  return Object.assign(new Error(text), { responseCode: code });
}

function isClientError(error: unknown): error is Error {
  if (!(error instanceof Error)) return false;
  const { status, code } = error as Error & { status?: unknown; code?: unknown };
  return (typeof status === 'number' && status >= 400 && status < 500) || code === 'validation_failed';
}

/** Reads the whole stream but keeps at most `limit` bytes (the rest of an oversize message is drained). */
async function readStream(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let kept = 0;
  for await (const chunk of stream) {
    if (kept > limit) continue;
    chunks.push(chunk as Buffer);
    kept += (chunk as Buffer).length;
  }
  return Buffer.concat(chunks);
}

/** The sandbox's SMTP relay (contract §15, §16): smtp-server in front, `submit` behind. */
export async function createSmtpRelay(options: SmtpRelayOptions): Promise<SmtpRelay> {
  const host = options.host ?? '127.0.0.1';
  const maxSize = options.maxSize ?? DEFAULT_MAX_SIZE;
  const maxRecipients = options.maxRecipients ?? DEFAULT_MAX_RECIPIENTS;
  const requireTls = options.requireTls ?? !isLoopbackHost(host);
  const logger = options.logger;
  const tlsMaterial =
    options.key !== undefined && options.cert !== undefined
      ? { key: options.key, cert: options.cert }
      : createSelfSignedCertificate();

  const chaos = (phase: SmtpPhase): ReplyError | undefined => {
    const injected = options.chaos?.(phase);
    if (!injected || injected.phase !== phase) return undefined;
    return reply(injected.code, injected.message ?? 'Injected by sandbox chaos');
  };
  const namespaceOf = (session: SMTPServerSession): string | undefined =>
    typeof session.user === 'string' ? session.user : options.anonymousNamespace;

  async function handleData(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const raw = await readStream(stream, maxSize);
    if (stream.sizeExceeded) throw reply(552, '5.3.4 Message too big');
    const injected = chaos('data');
    if (injected) throw injected;
    const namespace = namespaceOf(session);
    if (namespace === undefined) throw reply(530, '5.7.0 Authentication required');
    const envelope: SmtpEnvelope = {
      mailFrom: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
      rcptTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
    };
    let built: Awaited<ReturnType<typeof buildRelayMessage>>;
    try {
      built = await buildRelayMessage(raw, envelope);
    } catch (error) {
      if (error instanceof InvalidControlHeaderError) throw reply(554, `5.6.0 ${error.message}`);
      throw reply(554, '5.6.0 Malformed message');
    }
    try {
      const result = await options.submit(namespace, built.message, {
        channel: 'smtp',
        idempotencyKey: built.idempotencyKey,
        rawMime: built.rawMime,
        envelope,
      });
      return result.duplicate ? `2.0.0 Ok: duplicate of ${result.id}` : `2.0.0 Ok: queued as ${result.id}`;
    } catch (error) {
      if (isClientError(error)) throw reply(554, `5.6.0 ${error.message.replace(/[\r\n]+/g, ' ')}`);
      logger?.error?.('smtp relay: submit failed', { error });
      throw reply(451, '4.3.0 Temporary failure');
    }
  }

  const server = new RelayServer({
    secure: options.secure ?? false,
    name: options.name,
    key: tlsMaterial.key,
    cert: tlsMaterial.cert,
    size: maxSize,
    rejectOversized: true,
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: options.anonymousNamespace !== undefined,
    allowInsecureAuth: !requireTls,
    authRequiredMessage: '5.7.0 Authentication required',
    hideENHANCEDSTATUSCODES: false,
    hideDSN: true,
    hideREQUIRETLS: true,
    disabledCommands: [],
    logger: false,
    // a reverse DNS lookup per client would leave 127.0.0.1 (and slow every connection)
    disableReverseLookup: true,
    onConnect(_session, callback) {
      callback(chaos('connect'));
    },
    onAuth(auth, _session, callback) {
      const injected = chaos('auth');
      if (injected) return callback(injected);
      const key = auth.password ?? '';
      options.authenticate(key).then(
        (namespace) =>
          namespace === null
            ? callback(reply(535, '5.7.8 Authentication credentials invalid'))
            : callback(null, { user: namespace }),
        (error: unknown) => {
          logger?.error?.('smtp relay: authenticate failed', { error });
          callback(reply(454, '4.7.0 Temporary authentication failure'));
        },
      );
    },
    onMailFrom(_address, _session, callback) {
      callback(chaos('mailFrom'));
    },
    onRcptTo(_address, session, callback) {
      if (session.envelope.rcptTo.length >= maxRecipients) {
        return callback(reply(452, '4.5.3 Too many recipients'));
      }
      callback(chaos('rcptTo'));
    },
    onData(stream, session, callback) {
      handleData(stream, session).then(
        (message) => callback(null, message),
        (error: ReplyError) => callback(error),
      );
    },
  });
  server.on('error', (error: Error) =>
    logger?.warn?.('smtp relay: connection error', { error: error.message }),
  );

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;
  logger?.info?.('smtp relay listening', { host, port, secure: options.secure ?? false, requireTls });

  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
