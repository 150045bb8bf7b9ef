import { fileURLToPath } from 'node:url';
import { startSinkProcess } from './sink-process.mjs';

const SERVER = fileURLToPath(new URL('./sink-server.mjs', import.meta.url));

/**
 * Starts the HTTP sink in a child process on 127.0.0.1:0. Resolves to its origin
 * (`http://127.0.0.1:<port>`), a request counter and `close()`.
 */
export async function startSink() {
  const sink = await startSinkProcess(SERVER, 'sink');
  return { origin: `http://127.0.0.1:${sink.port}`, pid: sink.pid, counts: sink.counts, close: sink.close };
}
