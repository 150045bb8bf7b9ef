import type net from 'node:net';
import type { AddressInfo } from 'node:net';
import type tls from 'node:tls';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { SMTPConnection, type SMTPConnectionOptions } from 'smtp-server/lib/smtp-connection.js';

/**
 * A fake relay for the sender's tests (reliability.md "Fake SMTP relay"): smtp-server on 127.0.0.1
 * with scripted replies per phase, drops before DATA and after the final dot, an optional
 * XMPIDEMPOTENCY capability with header-based deduplication, and ground truth of what it accepted.
 */
export type FakePhase = 'mailFrom' | 'rcptTo' | 'data';

export type FakeAction = { code: number; message: string } | 'drop';

export interface ScriptedStep {
  phase: FakePhase;
  /** rcptTo only: the step applies to this recipient. */
  address?: string;
  action: FakeAction;
}

export interface Delivery {
  key: string | undefined;
  raw: Buffer;
  rcptTo: string[];
}

export interface FakeRelay {
  port: number;
  /** Steps run in order, each once, at the first matching phase. */
  script: ScriptedStep[];
  /** Everything the relay accepted (a drop after the final dot counts: the relay had the message). */
  deliveries: Delivery[];
  /** MAIL FROM commands seen: one per attempt. */
  attempts: number;
  connections: number;
  /** Accepted messages per idempotency key. */
  countFor(key: string): number;
  close(): Promise<void>;
}

export interface FakeRelayOptions {
  idempotency: boolean;
  /** The AUTH password the relay accepts. */
  password: string;
}

const ENHANCED = /^[245]\.\d{1,3}\.\d{1,3} /;

class FakeConnection extends SMTPConnection {
  #ehlo = false;
  advertise: string[] = [];

  override handler_EHLO(command: Buffer, callback: () => void): void {
    this.#ehlo = true;
    try {
      super.handler_EHLO(command, callback);
    } finally {
      this.#ehlo = false;
    }
  }

  override send(code: number, data?: string | string[] | null, context?: string | false): void {
    if (this.#ehlo && code === 250 && Array.isArray(data)) {
      super.send(code, [...data, ...this.advertise], context);
    } else if (typeof data === 'string' && ENHANCED.test(data)) {
      super.send(code, data, false);
    } else {
      super.send(code, data, context);
    }
  }
}

class FakeServer extends SMTPServer {
  advertise: string[] = [];

  override connect(socket: net.Socket | tls.TLSSocket, socketOptions?: SMTPConnectionOptions | null): void {
    const connection = new FakeConnection(this, socket, socketOptions);
    connection.advertise = this.advertise;
    this.connections.add(connection);
    connection.on('error', (err: Error) => this._onError(err));
    connection.on('connect', (data) => this._onClientConnect(data));
    connection.init();
  }
}

function reply(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function createFakeRelay(options: FakeRelayOptions): Promise<FakeRelay> {
  const script: ScriptedStep[] = [];
  const deliveries: Delivery[] = [];
  const ids = new Map<string, string>();
  let next = 0;
  const state = { attempts: 0, connections: 0 };

  const take = (phase: FakePhase, address?: string): FakeAction | undefined => {
    const index = script.findIndex(
      (step) => step.phase === phase && (step.address === undefined || step.address === address),
    );
    if (index === -1) return undefined;
    return script.splice(index, 1)[0]!.action;
  };
  const drop = (session: SMTPServerSession): void => {
    for (const connection of server.connections)
      if (connection.session === session) connection._socket.destroy();
  };

  const server = new FakeServer({
    logger: false,
    disableReverseLookup: true,
    hideSTARTTLS: true,
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    hideENHANCEDSTATUSCODES: false,
    size: 10 * 1024 * 1024,
    onConnect(_session, callback) {
      state.connections++;
      callback();
    },
    onAuth(auth, _session, callback) {
      if (auth.password === options.password) return callback(null, { user: 'ns' });
      callback(reply(535, '5.7.8 Authentication credentials invalid'));
    },
    onMailFrom(_address, session, callback) {
      state.attempts++;
      const action = take('mailFrom');
      if (action === 'drop') return drop(session);
      callback(action ? reply(action.code, action.message) : undefined);
    },
    onRcptTo(address, session, callback) {
      const action = take('rcptTo', address.address);
      if (action === 'drop') return drop(session);
      callback(action ? reply(action.code, action.message) : undefined);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const action = take('data');
        if (action !== undefined && action !== 'drop') return callback(reply(action.code, action.message));
        const key = /^X-MP-Idempotency-Key:\s*(.+?)\r?$/im.exec(
          raw.toString('utf8').split(/\r?\n\r?\n/)[0] ?? '',
        )?.[1];
        const rcptTo = session.envelope.rcptTo.map((rcpt) => rcpt.address);
        if (options.idempotency && key !== undefined && ids.has(key)) {
          if (action === 'drop') return drop(session);
          return callback(null, `2.0.0 Ok: duplicate of ${ids.get(key)}`);
        }
        const id = `msg_${++next}`;
        if (key !== undefined) ids.set(key, id);
        deliveries.push({ key, raw, rcptTo });
        if (action === 'drop') return drop(session);
        callback(null, `2.0.0 Ok: queued as ${id}`);
      });
    },
  });
  server.advertise = options.idempotency ? ['XMPIDEMPOTENCY'] : [];
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));

  return {
    port: (server.server.address() as AddressInfo).port,
    script,
    deliveries,
    get attempts() {
      return state.attempts;
    },
    get connections() {
      return state.connections;
    },
    countFor: (key) => deliveries.filter((delivery) => delivery.key === key).length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const connection of server.connections) connection._socket.destroy();
        server.close(() => resolve());
      }),
  };
}
