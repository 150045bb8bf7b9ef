import { fileURLToPath } from 'node:url';
import { startSinkProcess } from './sink-process.mjs';

const SERVER = fileURLToPath(new URL('./smtp-sink-server.mjs', import.meta.url));

/**
 * Starts the SMTP sink in a child process on 127.0.0.1:0. Resolves to its port, `counts()` (messages
 * queued, the sink's CPU ms and a timestamp, to charge the sink's CPU to a run) and `close()`.
 */
export function startSmtpSink() {
  return startSinkProcess(SERVER, 'SMTP sink');
}
