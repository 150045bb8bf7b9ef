import type net from 'node:net';
import type { AddressInfo } from 'node:net';
import type tls from 'node:tls';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { SMTPConnection, type SMTPConnectionOptions } from 'smtp-server/lib/smtp-connection.js';

/** The EHLO keyword of a relay that deduplicates on `X-MP-Idempotency-Key` (decisions.md "SMTP"). */
export const IDEMPOTENCY_KEYWORD = 'XMPIDEMPOTENCY';

export type SmtpFaultStage = 'mail' | 'rcpt' | 'data';

/** What the relay does with one attempt (one MAIL FROM). */
export type SmtpFault =
  /** Reply `code` at the stage (`data`: after the final dot, nothing stored). */
  | { kind: 'reply'; stage: SmtpFaultStage; code: number; text: string }
  /** Destroy the connection at RCPT, before DATA: nothing stored. */
  | { kind: 'drop-before-data' }
  /** Store the message, then destroy the connection before the 250: the ambiguous case. */
  | { kind: 'drop-after-dot' };

export interface SmtpFaultContext {
  /** The `+tag` of the MAIL FROM address (the suite sends every message from its own tag). */
  ref: string;
  /** Attempt number of this ref at the relay, 1-based. */
  attempt: number;
}

export type SmtpFaultRule = (context: SmtpFaultContext) => SmtpFault | undefined;

export interface FaultSmtpRelayOptions {
  /** The AUTH password accepted (the API key). */
  password: string;
  /** Advertise XMPIDEMPOTENCY in EHLO and deduplicate on the header. */
  idempotency: boolean;
  faults?: SmtpFaultRule;
}

export interface SmtpGroundTruth {
  /** Messages stored per idempotency key: more than 1 is a duplicate. */
  acceptedPerKey: Map<string, number>;
  /** Messages stored per ref (a stored message without a key counts here too). */
  acceptedPerRef: Map<string, number>;
  /** MAIL FROM commands per ref: one per attempt. */
  attemptsPerRef: Map<string, number>;
  /** Answers "duplicate of ..." given instead of storing again. */
  deduplicated: number;
  /** AUTH exchanges seen. */
  logins: number;
}

export interface FaultSmtpRelay {
  port: number;
  truth: SmtpGroundTruth;
  setFaults(rule: SmtpFaultRule | undefined): void;
  close(): Promise<void>;
}

const ENHANCED = /^[245]\.\d{1,3}\.\d{1,3} /;
const KEY_HEADER = /^X-MP-Idempotency-Key:[ \t]*(.+?)\r?$/im;

/**
 * smtp-server has no hook for extra EHLO keywords: like the sandbox's relay (relay-server.ts), the
 * connection appends the keyword to its 250 EHLO reply, and sends replies that already carry an
 * enhanced status code as they are.
 */
class FaultConnection extends SMTPConnection {
  #answeringEhlo = false;
  keywords: readonly string[] = [];

  override handler_EHLO(command: Buffer, callback: () => void): void {
    this.#answeringEhlo = true;
    try {
      super.handler_EHLO(command, callback);
    } finally {
      this.#answeringEhlo = false;
    }
  }

  override send(code: number, data?: string | string[] | null, context?: string | false): void {
    if (this.#answeringEhlo && code === 250 && Array.isArray(data)) {
      super.send(code, [...data, ...this.keywords], context);
      return;
    }
    if (typeof data === 'string' && ENHANCED.test(data)) {
      super.send(code, data, false);
      return;
    }
    super.send(code, data, context);
  }
}

class FaultServer extends SMTPServer {
  keywords: readonly string[] = [];

  override connect(socket: net.Socket | tls.TLSSocket, socketOptions?: SMTPConnectionOptions | null): void {
    const connection = new FaultConnection(this, socket, socketOptions);
    connection.keywords = this.keywords;
    this.connections.add(connection);
    connection.on('error', (err: Error) => this._onError(err));
    connection.on('connect', (data) => this._onClientConnect(data));
    connection.init();
  }
}

function reply(code: number, text: string): Error & { responseCode: number } {
  return Object.assign(new Error(text), { responseCode: code });
}

function bump(map: Map<string, number>, key: string): number {
  const value = (map.get(key) ?? 0) + 1;
  map.set(key, value);
  return value;
}

/**
 * A fault-injecting relay on smtp-server (reliability.md "Fake SMTP relay"): replies at MAIL, RCPT
 * or after the final dot, drops before DATA and after the final dot, the optional XMPIDEMPOTENCY
 * capability with deduplication on `X-MP-Idempotency-Key`, and ground truth per key.
 */
export async function createFaultSmtpRelay(options: FaultSmtpRelayOptions): Promise<FaultSmtpRelay> {
  let faults = options.faults;
  const truth: SmtpGroundTruth = {
    acceptedPerKey: new Map(),
    acceptedPerRef: new Map(),
    attemptsPerRef: new Map(),
    deduplicated: 0,
    logins: 0,
  };
  const queueIds = new Map<string, string>();
  /** The fault drawn for the attempt a session is in. */
  const current = new WeakMap<SMTPServerSession, SmtpFault | undefined>();
  let nextId = 0;

  const drop = (session: SMTPServerSession): void => {
    for (const connection of server.connections) {
      if (connection.session === session) connection._socket.destroy();
    }
  };
  /** `sender+<ref>@domain` names the logical message (the suite sends each from its own tag). */
  const refOf = (address: string): string => {
    const local = address.slice(0, address.lastIndexOf('@'));
    return local.includes('+') ? local.slice(local.indexOf('+') + 1) : local;
  };

  const server = new FaultServer({
    logger: false,
    disableReverseLookup: true,
    hideSTARTTLS: true,
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    size: 10 * 1024 * 1024,
    onAuth(auth, _session, callback) {
      truth.logins++;
      if (auth.password === options.password) return callback(null, { user: 'reliability' });
      callback(reply(535, '5.7.8 Authentication credentials invalid'));
    },
    onMailFrom(address, session, callback) {
      const ref = refOf(address.address);
      const attempt = bump(truth.attemptsPerRef, ref);
      const fault = faults?.({ ref, attempt });
      current.set(session, fault);
      if (fault?.kind === 'reply' && fault.stage === 'mail') return callback(reply(fault.code, fault.text));
      callback();
    },
    onRcptTo(_address, session, callback) {
      const fault = current.get(session);
      if (fault?.kind === 'drop-before-data') return drop(session);
      if (fault?.kind === 'reply' && fault.stage === 'rcpt') return callback(reply(fault.code, fault.text));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const fault = current.get(session);
        if (fault?.kind === 'reply' && fault.stage === 'data') return callback(reply(fault.code, fault.text));
        const raw = Buffer.concat(chunks).toString('utf8');
        const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
        const key = KEY_HEADER.exec(head)?.[1];
        const ref = refOf(session.envelope.mailFrom ? session.envelope.mailFrom.address : '@');
        if (options.idempotency && key !== undefined) {
          const original = queueIds.get(key);
          if (original !== undefined) {
            truth.deduplicated++;
            if (fault?.kind === 'drop-after-dot') return drop(session);
            return callback(null, `2.0.0 Ok: duplicate of ${original}`);
          }
        }
        const id = `msg_${(++nextId).toString(36).padStart(10, '0')}`;
        if (key !== undefined) {
          queueIds.set(key, id);
          bump(truth.acceptedPerKey, key);
        }
        bump(truth.acceptedPerRef, ref);
        if (fault?.kind === 'drop-after-dot') return drop(session);
        callback(null, `2.0.0 Ok: queued as ${id}`);
      });
    },
  });
  server.keywords = options.idempotency ? [IDEMPOTENCY_KEYWORD] : [];
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));

  return {
    port: (server.server.address() as AddressInfo).port,
    truth,
    setFaults(rule) {
      faults = rule;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const connection of server.connections) connection._socket.destroy();
        server.close(() => resolve());
      }),
  };
}
