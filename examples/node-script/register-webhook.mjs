// Registers a webhook endpoint for the receiver and prints its signing secret (shown only once).
//
//   node register-webhook.mjs https://shop.dk/webhooks/mailplatform
//   node register-webhook.mjs http://127.0.0.1:3000/webhooks/mailplatform   # the sandbox allows loopback http
import { isMailPlatformError, MailPlatform } from '@mailplatform/sdk';

async function main() {
  const url = process.argv[2];
  if (url === undefined) {
    console.error('Usage: node register-webhook.mjs <receiver url>');
    process.exitCode = 2;
    return;
  }
  const mp = new MailPlatform();
  try {
    const endpoint = await mp.webhookEndpoints.create({
      url,
      events: ['message.delivered', 'message.bounced', 'message.complained', 'message.unsubscribed'],
      description: 'Webshop backend',
    });
    console.log(`Registered ${endpoint.id} for ${endpoint.url}`);
    console.log(`MAILPLATFORM_WEBHOOK_SECRET=${endpoint.secret}`);
  } finally {
    await mp.close();
  }
}

try {
  await main();
} catch (error) {
  if (!isMailPlatformError(error)) throw error;
  console.error(`${error.name} (${error.code}): ${error.message}`);
  process.exitCode = error.retryable ? 75 : 1;
}
