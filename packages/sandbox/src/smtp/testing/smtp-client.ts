import net from 'node:net';
import tls from 'node:tls';

/** A raw SMTP client for tests: one command, one complete (possibly multi-line) reply. */
export interface RawSmtpClient {
  /** Resolves with the next complete reply (all its lines joined by `\n`). */
  reply(): Promise<string>;
  /** Writes `data` as is (no CRLF added) and waits for the next reply. */
  send(data: string | Buffer): Promise<string>;
  write(data: string | Buffer): void;
  startTls(): Promise<void>;
  /** Resolves when the server closed the connection. */
  closed: Promise<void>;
  close(): void;
}

export async function connectRaw(port: number): Promise<RawSmtpClient> {
  let socket: net.Socket = net.connect({ host: '127.0.0.1', port });
  let buffer = '';
  const waiting: ((reply: string) => void)[] = [];
  const ready: string[] = [];
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });

  const onData = (chunk: Buffer): void => {
    buffer += chunk.toString('utf8');
    for (;;) {
      const match = /^(?:\d{3}-[^\n]*\n)*\d{3}(?: [^\n]*)?\r?\n/.exec(buffer);
      if (!match) break;
      buffer = buffer.slice(match[0].length);
      const reply = match[0].replace(/\r/g, '').trimEnd();
      const next = waiting.shift();
      if (next) next(reply);
      else ready.push(reply);
    }
  };
  const attach = (target: net.Socket): void => {
    target.on('data', onData);
    target.on('close', resolveClosed);
    target.on('error', () => {});
  };
  attach(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });

  const reply = (): Promise<string> => {
    const first = ready.shift();
    if (first !== undefined) return Promise.resolve(first);
    return new Promise((resolve) => waiting.push(resolve));
  };
  return {
    reply,
    write: (data) => socket.write(data),
    send(data) {
      socket.write(data);
      return reply();
    },
    async startTls() {
      socket.removeListener('data', onData);
      socket.removeAllListeners('close');
      const secured = tls.connect({ socket, rejectUnauthorized: false });
      await new Promise<void>((resolve, reject) => {
        secured.once('secureConnect', resolve);
        secured.once('error', reject);
      });
      socket = secured;
      attach(secured);
    },
    closed,
    close: () => socket.destroy(),
  };
}
