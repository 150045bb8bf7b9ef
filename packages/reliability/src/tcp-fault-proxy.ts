import net, { type AddressInfo } from 'node:net';

/** What the proxy does with one accepted connection. */
export type ProxyMode =
  /** Forward both ways. */
  | { kind: 'pass' }
  /** Forward the request, then reset the client's socket after `bytes` bytes of the answer. */
  | { kind: 'reset-after'; bytes: number }
  /** Accept and read, never forward and never answer. */
  | { kind: 'black-hole' };

export interface TcpFaultProxy {
  url: string;
  port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /**
   * Mode per accepted connection (0-based index). Open connections are closed first: a client's
   * keep-alive pool must not carry a request past the new mode on a connection accepted earlier.
   */
  setMode(mode: (connection: number) => ProxyMode): void;
  /** Stop listening (connects are refused) or listen again on the same port. */
  setRefusing(refusing: boolean): Promise<void>;
  close(): Promise<void>;
}

/** A toxiproxy stand-in on 127.0.0.1 (reliability.md "TCP fault proxy"): refuse, reset after N bytes, black-hole. */
export async function createTcpFaultProxy(target: { host: string; port: number }): Promise<TcpFaultProxy> {
  let mode: (connection: number) => ProxyMode = () => ({ kind: 'pass' });
  let accepted = 0;
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  };

  const onConnection = (client: net.Socket): void => {
    track(client);
    const chosen = mode(accepted++);
    if (chosen.kind === 'black-hole') {
      client.resume();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    track(upstream);
    client.pipe(upstream);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    if (chosen.kind === 'pass') {
      upstream.pipe(client);
      return;
    }
    let left = chosen.bytes;
    upstream.on('data', (chunk: Buffer) => {
      if (client.destroyed) return;
      if (chunk.length <= left) {
        left -= chunk.length;
        client.write(chunk);
        return;
      }
      if (left > 0) client.write(chunk.subarray(0, left));
      left = 0;
      client.resetAndDestroy();
      upstream.destroy();
    });
  };

  let server = net.createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  let listening = true;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get connections() {
      return accepted;
    },
    setMode(next) {
      for (const socket of sockets) socket.destroy();
      mode = next;
    },
    async setRefusing(refusing) {
      if (refusing === !listening) return;
      if (refusing) {
        listening = false;
        await new Promise<void>((resolve) => server.close(() => resolve()));
        return;
      }
      server = net.createServer(onConnection);
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      listening = true;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      if (listening) await new Promise<void>((resolve) => server.close(() => resolve()));
      listening = false;
    },
  };
}
