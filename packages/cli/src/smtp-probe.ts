import net from 'node:net';
import { hostname } from 'node:os';
import tls from 'node:tls';
import { isLoopbackHost } from '@mailplatform/sdk';

export interface SmtpProbeTarget {
  host: string;
  port: number;
  /** Implicit TLS (port 465). */
  secure: boolean;
  user: string;
  /** The API key: the AUTH password. */
  password: string;
  signal: AbortSignal;
  /** Per reply, in ms. */
  timeoutMs: number;
}

export interface ProbeStep {
  [key: string]: unknown;
  check: string;
  status: 'pass' | 'warn' | 'fail';
  detail: string;
}

interface Reply {
  code: number;
  lines: string[];
}

/** Reads SMTP replies (`250-…` continuation lines up to `250 …`) from a socket that may be upgraded. */
class ReplyReader {
  #buffer = '';
  #lines: string[] = [];
  #waiter: ((reply: Reply | Error) => void) | undefined;
  #queue: (Reply | Error)[] = [];

  attach(socket: net.Socket): void {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.#feed(chunk));
    socket.on('error', (error) => this.#push(error));
    socket.on('close', () => this.#push(new Error('the relay closed the connection')));
  }

  #feed(chunk: string): void {
    this.#buffer += chunk;
    for (let at = this.#buffer.indexOf('\n'); at >= 0; at = this.#buffer.indexOf('\n')) {
      const line = this.#buffer.slice(0, at).replace(/\r$/, '');
      this.#buffer = this.#buffer.slice(at + 1);
      this.#lines.push(line);
      if (!/^\d{3}-/.test(line)) {
        const lines = this.#lines.splice(0);
        this.#push({ code: Number(line.slice(0, 3)) || 0, lines });
      }
    }
  }

  #push(item: Reply | Error): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    if (waiter) waiter(item);
    else this.#queue.push(item);
  }

  next(timeoutMs: number, signal: AbortSignal): Promise<Reply> {
    const queued = this.#queue.shift();
    if (queued) return queued instanceof Error ? Promise.reject(queued) : Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const done = (item: Reply | Error) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (item instanceof Error) reject(item);
        else resolve(item);
      };
      const onAbort = () => {
        this.#waiter = undefined;
        done(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        done(new Error(`no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiter = done;
    });
  }
}

function text(reply: Reply): string {
  return reply.lines.join(' | ');
}

function extensions(reply: Reply): Set<string> {
  return new Set(reply.lines.slice(1).map((l) => l.slice(4).toUpperCase()));
}

function connect(target: SmtpProbeTarget): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = target.secure
      ? tls.connect({
          host: target.host,
          port: target.port,
          servername: net.isIP(target.host) ? undefined : target.host,
          rejectUnauthorized: !isLoopbackHost(target.host),
        })
      : net.connect({ host: target.host, port: target.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no connection within ${target.timeoutMs} ms`));
    }, target.timeoutMs);
    socket.once(target.secure ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function upgrade(socket: net.Socket, target: SmtpProbeTarget): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    socket.removeAllListeners('data');
    const secured = tls.connect({
      socket,
      servername: net.isIP(target.host) ? undefined : target.host,
      rejectUnauthorized: !isLoopbackHost(target.host),
    });
    secured.once('secureConnect', () => {
      secured.removeAllListeners('error');
      resolve(secured);
    });
    secured.once('error', reject);
  });
}

function tlsDetail(socket: tls.TLSSocket, how: string, host: string): string {
  const cipher = socket.getCipher();
  const verified = socket.authorized
    ? 'certificate verified'
    : `certificate not verified (${isLoopbackHost(host) ? 'loopback relay' : String(socket.authorizationError)})`;
  return `${socket.getProtocol() ?? 'TLS'} ${cipher.name} via ${how}, ${verified}`;
}

/**
 * Opens one SMTP session to the relay and reports each step: connect (greeting), EHLO, TLS (implicit
 * or STARTTLS when offered; required unless the relay is on loopback), AUTH PLAIN with the key, QUIT.
 * Sends no mail. The AUTH line is built here and never reported; replies are.
 */
export async function probeSmtp(target: SmtpProbeTarget): Promise<ProbeStep[]> {
  const steps: ProbeStep[] = [];
  const where = `${target.host}:${target.port}`;
  let socket: net.Socket;
  try {
    socket = await connect(target);
  } catch (error) {
    steps.push({ check: 'SMTP connect', status: 'fail', detail: `${where}: ${(error as Error).message}` });
    return steps;
  }
  const reader = new ReplyReader();
  reader.attach(socket);
  const ask = async (command: string): Promise<Reply> => {
    socket.write(`${command}\r\n`);
    return reader.next(target.timeoutMs, target.signal);
  };
  const ehloName = hostname() || 'localhost';
  let step = 'SMTP connect';
  try {
    const greeting = await reader.next(target.timeoutMs, target.signal);
    if (greeting.code !== 220) {
      steps.push({ check: step, status: 'fail', detail: `${where} greeted with ${text(greeting)}` });
      return steps;
    }
    steps.push({ check: step, status: 'pass', detail: `${where}: ${text(greeting)}` });
    step = 'SMTP EHLO';
    let ehlo = await ask(`EHLO ${ehloName}`);
    if (ehlo.code !== 250) {
      steps.push({ check: step, status: 'fail', detail: text(ehlo) });
      return steps;
    }
    let offered = extensions(ehlo);
    steps.push({ check: step, status: 'pass', detail: [...offered].join(', ') });
    step = 'SMTP TLS';
    if (socket instanceof tls.TLSSocket) {
      steps.push({ check: step, status: 'pass', detail: tlsDetail(socket, 'implicit TLS', target.host) });
    } else if (offered.has('STARTTLS')) {
      const started = await ask('STARTTLS');
      if (started.code !== 220) {
        steps.push({ check: step, status: 'fail', detail: `STARTTLS refused: ${text(started)}` });
        return steps;
      }
      const secured = await upgrade(socket, target);
      socket = secured;
      reader.attach(secured);
      steps.push({ check: step, status: 'pass', detail: tlsDetail(secured, 'STARTTLS', target.host) });
      ehlo = await ask(`EHLO ${ehloName}`);
      if (ehlo.code !== 250) {
        steps.push({ check: 'SMTP EHLO after TLS', status: 'fail', detail: text(ehlo) });
        return steps;
      }
      offered = extensions(ehlo);
    } else if (isLoopbackHost(target.host)) {
      steps.push({ check: step, status: 'warn', detail: 'no STARTTLS offered (accepted on loopback only)' });
    } else {
      steps.push({
        check: step,
        status: 'fail',
        detail: 'no STARTTLS offered: the key would cross the network in clear text',
      });
      return steps;
    }
    step = 'SMTP AUTH';
    const mechanisms =
      [...offered]
        .find((e) => e.startsWith('AUTH '))
        ?.split(/\s+/)
        .slice(1) ?? [];
    if (!mechanisms.includes('PLAIN')) {
      steps.push({
        check: step,
        status: 'fail',
        detail: `AUTH PLAIN not offered (${mechanisms.join(' ') || 'no AUTH'})`,
      });
      return steps;
    }
    const blob = Buffer.from(`\u0000${target.user}\u0000${target.password}`).toString('base64');
    const auth = await ask(`AUTH PLAIN ${blob}`);
    steps.push(
      auth.code === 235
        ? { check: step, status: 'pass', detail: `user ${target.user}: ${text(auth)}` }
        : { check: step, status: 'fail', detail: `user ${target.user}: ${text(auth)}` },
    );
    await ask('QUIT').catch(() => undefined);
  } catch (error) {
    if (target.signal.aborted) throw error;
    steps.push({ check: step, status: 'fail', detail: (error as Error).message });
  } finally {
    socket.destroy();
  }
  return steps;
}
