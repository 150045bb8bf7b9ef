// One cold start: `node first-send-child.mjs <library> <origin>` imports the library, constructs its
// client and sends one message to the sink, then prints its timings (ms) as one JSON line and exits.
// No static imports, so nothing but the library under test is loaded before `start`.
const start = performance.now();
const [library, origin] = process.argv.slice(2);

const SENDERS = {
  async mailplatform() {
    const { MailPlatform } = await import('@mailplatform/sdk');
    const imported = performance.now();
    const mp = new MailPlatform({ apiKey: 'mp_test_bench0123456789', baseUrl: origin });
    const constructed = performance.now();
    const result = await mp.messages.send({
      from: { email: 'ordre@shop.dk', name: 'Shop' },
      to: ['kunde@example.dk'],
      subject: 'Ordrebekræftelse #1042',
      html: '<p>Tak for din ordre</p>',
      text: 'Tak for din ordre',
      tag: 'order-confirmation',
      metadata: { orderId: '1042', crmId: 'A-77' },
    });
    if (result.status !== 'queued') throw new Error(`unexpected result ${JSON.stringify(result)}`);
    return { imported, constructed };
  },
  async postmark() {
    const { ServerClient } = await import('postmark');
    const imported = performance.now();
    const client = new ServerClient('bench-server-token', {
      useHttps: false,
      requestHost: new URL(origin).host,
    });
    const constructed = performance.now();
    const result = await client.sendEmail({
      From: 'Shop <ordre@shop.dk>',
      To: 'kunde@example.dk',
      Subject: 'Ordrebekræftelse #1042',
      HtmlBody: '<p>Tak for din ordre</p>',
      TextBody: 'Tak for din ordre',
      Tag: 'order-confirmation',
      Metadata: { orderId: '1042', crmId: 'A-77' },
    });
    if (result.ErrorCode !== 0) throw new Error(`unexpected result ${JSON.stringify(result)}`);
    return { imported, constructed };
  },
  // The parent sets RESEND_BASE_URL to the sink; the constructor reads it.
  async resend() {
    const { Resend } = await import('resend');
    const imported = performance.now();
    const resend = new Resend('re_bench_0123456789');
    const constructed = performance.now();
    const { data, error } = await resend.emails.send({
      from: 'Shop <ordre@shop.dk>',
      to: ['kunde@example.dk'],
      subject: 'Ordrebekræftelse #1042',
      html: '<p>Tak for din ordre</p>',
      text: 'Tak for din ordre',
      tags: [{ name: 'category', value: 'order_confirmation' }],
    });
    if (error !== null || typeof data?.id !== 'string')
      throw new Error(`unexpected result ${JSON.stringify(error)}`);
    return { imported, constructed };
  },
};

const sender = SENDERS[library];
if (sender === undefined) throw new Error(`unknown library ${library}`);
const { imported, constructed } = await sender();
const sent = performance.now();
process.stdout.write(
  `${JSON.stringify({
    library,
    bootMs: start,
    importMs: imported - start,
    constructMs: constructed - imported,
    sendMs: sent - constructed,
    firstSendMs: sent - start,
    sinceProcessStartMs: sent,
  })}\n`,
);
// Pooled keep-alive sockets would hold the process open; the measurement ends at the answer.
process.exit(0);
