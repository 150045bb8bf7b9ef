import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('./smtp-sink-server.mjs', import.meta.url));

/**
 * Starts the SMTP sink in a child process on 127.0.0.1:0. Resolves to its port, `counts()` (messages
 * queued, the sink's CPU ms and a timestamp, to charge the sink's CPU to a run) and `close()`.
 */
export function startSmtpSink() {
  const child = fork(SERVER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = (type, reply) =>
    new Promise((resolve, reject) => {
      const onMessage = (message) => {
        if (message?.type !== reply) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message);
      };
      const onExit = (code) => reject(new Error(`SMTP sink exited early (code ${code})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
      if (type !== undefined) child.send({ type });
    });
  return ask(undefined, 'listening').then(({ port }) => ({
    port,
    pid: child.pid,
    counts: () => ask('counts', 'counts'),
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send({ type: 'close' });
      }),
  }));
}
