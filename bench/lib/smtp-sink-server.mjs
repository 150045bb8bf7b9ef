// The SMTP sink, run in its own process (bench/lib/smtp-sink.mjs forks it) so its CPU is not charged to
// the client under test: smtp-server on 127.0.0.1:0, no TLS, any AUTH accepted, every message
// answered `250 2.0.0 Ok: queued as msg_<n>` (the relay's reply, platform contract §15) and discarded.
// smtp-server would answer DATA with 2.6.0, so its enhanced codes stay off and the text carries 2.0.0.
import { SMTPServer } from 'smtp-server';

let queued = 0;
const server = new SMTPServer({
  name: 'bench-sink.local',
  banner: 'bench sink',
  disabledCommands: ['STARTTLS'],
  allowInsecureAuth: true,
  authMethods: ['PLAIN', 'LOGIN'],
  size: 10 * 1024 * 1024,
  logger: false,
  onAuth(_auth, _session, callback) {
    callback(null, { user: 'bench' });
  },
  onData(stream, _session, callback) {
    stream.on('data', () => {});
    stream.on('end', () => callback(null, `2.0.0 Ok: queued as msg_${++queued}`));
  },
});
server.on('error', () => {});

server.listen(0, '127.0.0.1', () => {
  process.send({ type: 'listening', port: server.server.address().port });
});

process.on('message', (message) => {
  if (message?.type === 'counts') {
    const cpu = process.cpuUsage();
    process.send({ type: 'counts', queued, cpuMs: (cpu.user + cpu.system) / 1000, at: performance.now() });
  } else if (message?.type === 'close') {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2_000).unref();
  }
});
