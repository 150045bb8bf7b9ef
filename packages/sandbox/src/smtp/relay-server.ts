import type net from 'node:net';
import type tls from 'node:tls';
import { SMTPServer } from 'smtp-server';
import { SMTPConnection, type SMTPConnectionOptions } from 'smtp-server/lib/smtp-connection.js';

/** The EHLO keyword that tells clients the relay deduplicates on `X-MP-Idempotency-Key` (contract §15). */
export const IDEMPOTENCY_KEYWORD = 'XMPIDEMPOTENCY';

const ENHANCED_CODE = /^[245]\.\d{1,3}\.\d{1,3} /;

/** smtp-server's own replies reworded to the contract's (§15 replies table). */
function contractReply(code: number, text: string): { code: number; text: string } | undefined {
  if (code === 538) return { code: 530, text: '5.7.0 Must issue a STARTTLS command first' };
  if (code === 552 && text.startsWith('Error: message exceeds fixed maximum message size')) {
    return { code: 552, text: '5.3.4 Message too big' };
  }
  if (code === 535 && !ENHANCED_CODE.test(text))
    return { code: 535, text: '5.7.8 Authentication credentials invalid' };
  return undefined;
}

/**
 * smtp-server has no hook for extra EHLO keywords, so the connection adds `XMPIDEMPOTENCY` to its
 * EHLO reply. Replies whose text already starts with an enhanced status code (`2.0.0 Ok: queued as
 * msg_...`) are sent as they are instead of getting smtp-server's generic code for the reply code.
 */
class RelayConnection extends SMTPConnection {
  #answeringEhlo = false;

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
      super.send(code, [...data, IDEMPOTENCY_KEYWORD], context);
      return;
    }
    if (typeof data === 'string') {
      const reply = contractReply(code, data);
      if (reply !== undefined) {
        super.send(reply.code, reply.text, false);
        return;
      }
      if (ENHANCED_CODE.test(data)) {
        super.send(code, data, false);
        return;
      }
    }
    super.send(code, data, context);
  }
}

export class RelayServer extends SMTPServer {
  override connect(socket: net.Socket | tls.TLSSocket, socketOptions?: SMTPConnectionOptions | null): void {
    const connection = new RelayConnection(this, socket, socketOptions);
    this.connections.add(connection);
    connection.on('error', (err: Error) => this._onError(err));
    connection.on('connect', (data) => this._onClientConnect(data));
    connection.init();
  }
}
