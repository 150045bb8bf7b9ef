// One measurement in a fresh process: `node throughput-child.mjs <client> <origin> <concurrency> <warmupMs> <durationMs>`.
// Prints one JSON line: sends completed in the timed window, its wall time and this process's CPU time.
// The warm-up lasts <warmupMs> and at least WARMUP_SENDS sends, so the JIT has settled even when other
// work on the machine starves this process.
import { randomUUID } from 'node:crypto';
import { measureThroughput } from './measure-throughput.mjs';
import { API_KEY, MESSAGE, sendHeaders } from './message.mjs';
import { SDK_NODE_ENTRY, sdkUndici } from './paths.mjs';

const [client, origin, concurrencyArg, warmupArg, durationArg] = process.argv.slice(2);
const concurrency = Number(concurrencyArg);
const warmupMs = Number(warmupArg);
const durationMs = Number(durationArg);
const url = `${origin}/v1/messages`;
const WARMUP_SENDS = 5_000;

/** Each factory returns `send()` (one message, resolved when the 202 body is read) and `close()`. */
const factories = {
  async sdk() {
    const { MailPlatform } = await import(SDK_NODE_ENTRY);
    const mp = new MailPlatform({ apiKey: API_KEY, baseUrl: origin });
    return {
      send: async () => {
        const result = await mp.messages.send(MESSAGE);
        if (result.status !== 'queued') throw new Error(`unexpected send result ${JSON.stringify(result)}`);
      },
      close: () => mp.close(),
    };
  },
  // The ceiling: the SDK's own transport settings with nothing around it but what the protocol needs
  // (a fresh idempotency key, JSON.stringify of the body, JSON.parse of the answer).
  async undici() {
    const { Agent, request } = await import(sdkUndici().url);
    const dispatcher = new Agent({ connections: 128, pipelining: 1, connect: { timeout: 5_000 } });
    return {
      send: async () => {
        const { statusCode, body } = await request(url, {
          method: 'POST',
          headers: sendHeaders(`mpk_${randomUUID()}`),
          body: JSON.stringify(MESSAGE),
          dispatcher,
        });
        const data = JSON.parse(await body.text());
        if (statusCode !== 202 || data.status !== 'queued')
          throw new Error(`unexpected answer ${statusCode}`);
      },
      close: () => dispatcher.close(),
    };
  },
  // Node's global fetch (its bundled undici and global dispatcher): what a fetch-based client pays.
  async fetch() {
    return {
      send: async () => {
        const response = await fetch(url, {
          method: 'POST',
          headers: sendHeaders(`mpk_${randomUUID()}`),
          body: JSON.stringify(MESSAGE),
        });
        const data = JSON.parse(await response.text());
        if (response.status !== 202 || data.status !== 'queued') {
          throw new Error(`unexpected answer ${response.status}`);
        }
      },
      close: async () => {},
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
});
process.stdout.write(`${JSON.stringify({ client, concurrency, ...result })}\n`);
