// One SMTP measurement in a fresh process:
//   node smtp-throughput-child.mjs <client> <port> <concurrency> <warmupMs> <durationMs> <pool>
// Prints one JSON line: sends completed in the timed window, its wall time and this process's CPU time.
// Every client sends MESSAGE (bench/lib/message.mjs) with its tag and metadata as X-MP-* headers and a
// fresh idempotency key, over a pool of <pool> connections (100 messages each) to 127.0.0.1:<port>.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { measureThroughput } from './measure-throughput.mjs';
import { API_KEY, MESSAGE } from './message.mjs';
import { SDK_DIR, SDK_NODE_ENTRY } from './paths.mjs';

const [client, portArg, concurrencyArg, warmupArg, durationArg, poolArg] = process.argv.slice(2);
const port = Number(portArg);
const concurrency = Number(concurrencyArg);
const warmupMs = Number(warmupArg);
const durationMs = Number(durationArg);
const pool = Number(poolArg);
const WARMUP_SENDS = 2_000;
const SDK_SMTP_ENTRY = join(SDK_DIR, 'dist/smtp/index.js');
const QUEUED = /^250 2\.0\.0 Ok: queued as msg_\d+$/;

function check(ok, what) {
  if (!ok) throw new Error(`unexpected result: ${JSON.stringify(what)}`);
}

/** Each factory returns `send()` (one message, resolved on the 250 after the final dot) and `close()`. */
const factories = {
  // What an app writes: the client, validation included, with `via: 'smtp'`.
  async sdk() {
    const { MailPlatform } = await import(SDK_NODE_ENTRY);
    // baseUrl is never contacted: every send goes through the relay
    const mp = new MailPlatform({
      apiKey: API_KEY,
      baseUrl: 'http://127.0.0.1:9',
      smtp: { host: '127.0.0.1', port },
    });
    return {
      send: async () => {
        const result = await mp.messages.send(MESSAGE, { via: 'smtp' });
        check(result.id.startsWith('msg_') && !result.replayed, result);
      },
      close: () => mp.close(),
    };
  },
  // The transport alone (`@mailplatform/sdk/smtp`): MIME, pool and retry policy, no client validation.
  async sender() {
    const { createSmtpSender } = await import(SDK_SMTP_ENTRY);
    const sender = createSmtpSender({
      apiKey: API_KEY,
      smtp: { host: '127.0.0.1', port },
      logger: undefined,
      maxConnections: pool,
      maxMessages: 100,
    });
    return {
      send: async () => {
        const result = await sender.send(MESSAGE, { idempotencyKey: `mpk_${randomUUID()}` });
        check(result.id.startsWith('msg_') && !result.replayed, result);
      },
      close: () => sender.close(),
    };
  },
  // Plain nodemailer as docs/smtp.md tells a nodemailer app to use it: the SDK's preset (pool of 5,
  // 100 messages per connection) and mailplatformHeaders() for the control headers.
  async nodemailer() {
    const { default: nodemailer } = await import('nodemailer');
    const { mailplatformHeaders, smtpOptions } = await import(SDK_SMTP_ENTRY);
    const transporter = nodemailer.createTransport({
      ...smtpOptions({ apiKey: API_KEY, host: '127.0.0.1', port }),
      maxConnections: pool,
      maxMessages: 100,
    });
    const from = { name: MESSAGE.from.name, address: MESSAGE.from.email };
    return {
      send: async () => {
        const info = await transporter.sendMail({
          from,
          to: MESSAGE.to,
          subject: MESSAGE.subject,
          html: MESSAGE.html,
          text: MESSAGE.text,
          headers: mailplatformHeaders({
            tag: MESSAGE.tag,
            metadata: MESSAGE.metadata,
            idempotencyKey: `mpk_${randomUUID()}`,
          }),
        });
        check(QUEUED.test(info.response) && info.accepted.length === 1, info);
      },
      close: async () => transporter.close(),
    };
  },
};

const result = await measureThroughput({
  factories,
  client,
  concurrency,
  warmupMs,
  warmupSends: WARMUP_SENDS,
  durationMs,
  maxErrors: 100,
});
process.stdout.write(`${JSON.stringify({ client, concurrency, pool, ...result })}\n`);
