// Receives the platform's webhooks with node:http: verifies the signature over the raw body, drops
// duplicate deliveries and marks hard-bounced and complaining addresses in the (pretend) CRM.
//
//   MAILPLATFORM_WEBHOOK_SECRET=whsec_... node webhook-receiver.mjs
//
// PORT (default 3000; 0 picks a free one) and HOST (default 127.0.0.1) choose where it listens.
import { createServer } from 'node:http';
import { isMailPlatformError, WebhookVerificationError } from '@mailplatform/sdk';
import { createMemoryDedupeStore, verifyWebhook } from '@mailplatform/sdk/webhooks';

const PATH = '/webhooks/mailplatform';
const MAX_BODY_BYTES = 1024 * 1024;
/** Longer than the platform's retry span, so a late retry of a handled event is still recognised. */
const DEDUPE_SECONDS = 5 * 24 * 3600;

const secret = process.env.MAILPLATFORM_WEBHOOK_SECRET;
if (!secret) {
  console.error('Set MAILPLATFORM_WEBHOOK_SECRET (node register-webhook.mjs <url> prints it)');
  process.exit(2);
}
// One process keeps the ids in memory; with several instances, implement DedupeStore on Redis or SQL.
const seen = createMemoryDedupeStore();

/** Your business logic; keep it fast (answer within 10 s) and idempotent. */
async function handle(event) {
  switch (event.type) {
    case 'message.bounced':
      if (event.data.bounce.class === 'hard')
        console.log(`CRM: ${event.data.recipient} is invalid (hard bounce)`);
      break;
    case 'message.complained':
    case 'message.unsubscribed':
      console.log(`CRM: ${event.data.recipient} opted out (${event.type})`);
      break;
    case 'message.delivered':
      console.log(`Order ${event.data.metadata.orderId ?? '?'}: delivered to ${event.data.recipient}`);
      break;
    default:
      // New event types arrive without a version bump: acknowledge what you do not handle.
      break;
  }
}

async function readBody(request) {
  const chunks = [];
  let size = 0;
  for await (const chunk of request) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function reply(response, status, text) {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(text);
}

const server = createServer(async (request, response) => {
  if (request.method !== 'POST' || request.url !== PATH) return reply(response, 404, 'not found');
  const body = await readBody(request);
  if (body === undefined) return reply(response, 413, 'payload too large');
  let event;
  try {
    // The raw bytes, never JSON.parse + JSON.stringify: re-serialising breaks the signature.
    event = await verifyWebhook({ payload: body, headers: request.headers, secret });
  } catch (error) {
    if (error instanceof WebhookVerificationError) {
      // A forged, altered or replayed request (or the wrong secret): never process it.
      console.error(`Rejected a webhook: ${error.reason}`);
      return reply(response, 400, error.reason);
    }
    // A malformed secret is a ConfigError: a deployment problem, so answer 500 and let the platform retry.
    console.error(isMailPlatformError(error) ? `${error.name} (${error.code}): ${error.message}` : error);
    return reply(response, 500, 'cannot verify');
  }
  if (await seen.has(event.id)) return reply(response, 200, 'duplicate');
  try {
    await handle(event);
  } catch (error) {
    console.error(`Handling ${event.id} failed; the platform will retry it`, error);
    return reply(response, 500, 'handler failed');
  }
  await seen.put(event.id, DEDUPE_SECONDS);
  reply(response, 200, 'ok');
});

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';
server.listen(port, host, () => {
  const { port: actual } = server.address();
  console.log(`Listening on http://${host}:${actual}${PATH}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => server.close());
