import { fork } from 'node:child_process';

/**
 * Starts a sink server script in a child process on 127.0.0.1:0 (its CPU is never charged to the
 * client) and talks to it over IPC. Resolves to its port, `counts()` and `close()`.
 */
export function startSinkProcess(serverPath, label) {
  const child = fork(serverPath, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = (type, reply) =>
    new Promise((resolve, reject) => {
      const onMessage = (message) => {
        if (message?.type !== reply) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message);
      };
      const onExit = (code) => reject(new Error(`${label} exited early (code ${code})`));
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
