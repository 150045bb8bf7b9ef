// Sends the order confirmation of one order with the stored template `order-confirmation`, creating
// the template (and its shop layout) the first time.
//
//   MAILPLATFORM_API_KEY=mp_test_... MAILPLATFORM_BASE_URL=http://127.0.0.1:4400 \
//     node send-order-confirmation.mjs [orderNo] [customerEmail]
//
// Running it twice for the same order sends one e-mail: the idempotency key is derived from the order.
import { isMailPlatformError, MailPlatform } from '@mailplatform/sdk';

const LAYOUT_ALIAS = 'shop-layout';
const TEMPLATE_ALIAS = 'order-confirmation';

const LAYOUT = {
  alias: LAYOUT_ALIAS,
  name: 'Køkkenbutikken: ramme',
  subject: 'Køkkenbutikken',
  html: `<!doctype html>
<html lang="da"><head><meta charset="utf-8"><style>
  .frame { background: #f4f1ea; padding: 24px; font-family: Arial, sans-serif; }
  .footer { color: #777777; font-size: 12px; }
</style></head>
<body><div class="frame">
<p><strong>Køkkenbutikken</strong></p>
{{{body}}}
<p class="footer">Køkkenbutikken ApS · Åboulevarden 1 · 8000 Aarhus C · CVR 12345678</p>
</div></body></html>`,
  text: '{{{body}}}\n\n-- \nKøkkenbutikken ApS, Åboulevarden 1, 8000 Aarhus C',
};

const TEMPLATE = {
  alias: TEMPLATE_ALIAS,
  name: 'Ordrebekræftelse',
  subject: 'Ordrebekræftelse #{{orderNo}}',
  html: `<style>.price { text-align: right; }</style>
<h1>Tak for din ordre, {{customer.firstName}}!</h1>
<p>Ordre {{orderNo}} blev afgivet {{date placedAt "long"}}.</p>
<table>
{{#each lines}}<tr><td>{{name}}</td><td>{{number qty}} stk.</td><td class="price">{{currency price "DKK"}}</td></tr>
{{/each}}</table>
<p>Fragt: {{currency shipping "DKK"}}</p>
<p>I alt inkl. moms: <strong>{{currency total "DKK"}}</strong></p>
<p><a href="https://shop.dk/ordre/{{orderNo}}">Se din ordre</a></p>`,
  locale: 'da-DK',
  timezone: 'Europe/Copenhagen',
};

/**
 * In a real backend this comes from your database. It must be the same on every run: the platform
 * refuses an idempotency key reused with a different message (IdempotencyKeyReusedError).
 */
function loadOrder(orderNo, email) {
  const lines = [
    { name: 'Støbejernsgryde "Æble" 24 cm', qty: 1, price: 1234.5 },
    { name: 'Grydelapper, 2 stk.', qty: 2, price: 89 },
  ];
  const shipping = 39;
  const total = lines.reduce((sum, line) => sum + line.qty * line.price, shipping);
  return {
    orderNo,
    customer: { id: 'C-77', firstName: 'Søren', email },
    placedAt: '2025-03-14T08:00:04.512Z',
    lines,
    shipping,
    total,
  };
}

/** Whether `error` is the platform's 404 (the template does not exist yet). */
function isNotFound(error) {
  return isMailPlatformError(error) && error.status === 404;
}

/** Creates the layout and the template unless they exist; a 409 means another process just created it. */
async function ensureTemplate(mp) {
  try {
    await mp.templates.get(TEMPLATE_ALIAS);
    return;
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  const layout = await getOrCreate(mp, LAYOUT);
  await getOrCreate(mp, { ...TEMPLATE, layoutId: layout.id });
  console.log(`Created the template '${TEMPLATE_ALIAS}' with the layout '${LAYOUT_ALIAS}'`);
}

async function getOrCreate(mp, template) {
  try {
    return await mp.templates.get(template.alias);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  try {
    return await mp.templates.create(template);
  } catch (error) {
    if (isMailPlatformError(error) && error.status === 409) return mp.templates.get(template.alias);
    throw error;
  }
}

async function main() {
  const orderNo = process.argv[2] ?? '1042';
  const email = process.argv[3] ?? 'kunde@example.dk';
  // Reads MAILPLATFORM_API_KEY and MAILPLATFORM_BASE_URL; throws ConfigError when the key is missing.
  const mp = new MailPlatform({ userAgent: 'webshop-example/1.0' });
  try {
    await ensureTemplate(mp);
    const order = loadOrder(orderNo, email);
    const result = await mp.messages.send(
      {
        from: 'Køkkenbutikken <ordre@shop.dk>',
        to: [{ email: order.customer.email, name: order.customer.firstName }],
        replyTo: ['kundeservice@shop.dk'],
        template: { alias: TEMPLATE_ALIAS, data: order },
        tag: 'order-confirmation',
        metadata: { orderId: String(order.orderNo), customerId: order.customer.id },
      },
      // A business key: a retried job, a re-run script or a second worker can never send it twice.
      { idempotencyKey: `order-${order.orderNo}:confirmation` },
    );
    const note = result.replayed ? ' (already sent earlier: no second e-mail)' : '';
    console.log(`Order ${order.orderNo}: ${result.id} ${result.status}${note}`);
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await mp.close();
  }
}

try {
  await main();
} catch (error) {
  if (!isMailPlatformError(error)) throw error;
  console.error(`${error.name} (${error.code}): ${error.message}`);
  if (error.requestId) console.error(`Request id: ${error.requestId}`);
  if (error.retryable) {
    // Safe to run again later: the same order number gives the same idempotency key.
    console.error(`Temporary failure; retry later with the idempotency key ${error.idempotencyKey}`);
    process.exitCode = 75;
  } else {
    process.exitCode = 1;
  }
}
