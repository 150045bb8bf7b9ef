/** One realistic send (platform-contract.md §5), the same object for every client. */
export const MESSAGE = {
  from: { email: 'ordre@shop.dk', name: 'Shop' },
  to: ['kunde@example.dk'],
  subject: 'Ordrebekræftelse #1042',
  html: '<p>Tak for din ordre</p>',
  text: 'Tak for din ordre',
  tag: 'order-confirmation',
  metadata: { orderId: '1042', crmId: 'A-77' },
};

export const API_KEY = 'mp_test_bench0123456789';

/**
 * The headers the SDK sends with a send (packages/sdk/src/http/http-client.ts), for the raw baselines.
 * `idempotency-key` is fresh per request, as the SDK generates one per call.
 */
export function sendHeaders(idempotencyKey) {
  return {
    authorization: `Bearer ${API_KEY}`,
    accept: 'application/json',
    'user-agent': `mailplatform-node/0.1.0 (node/${process.versions.node})`,
    'x-mp-retry-count': '0',
    'x-mp-timeout': '30',
    'content-type': 'application/json',
    'idempotency-key': idempotencyKey,
  };
}
