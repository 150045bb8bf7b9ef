import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('./sink-server.mjs', import.meta.url));

/**
 * Starts the sink in a child process on 127.0.0.1:0. Resolves to its origin (`http://127.0.0.1:<port>`),
 * a request counter and `close()`.
 */
export function startSink() {
  const child = fork(SERVER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = (type, reply) =>
    new Promise((resolve, reject) => {
      const onMessage = (message) => {
        if (message?.type !== reply) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message);
      };
      const onExit = (code) => reject(new Error(`sink exited early (code ${code})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
      if (type !== undefined) child.send({ type });
    });
  return ask(undefined, 'listening').then(({ port }) => ({
    origin: `http://127.0.0.1:${port}`,
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
