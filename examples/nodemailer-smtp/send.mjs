// Sends one order confirmation through the mailplatform SMTP relay with plain nodemailer.
// Start the sandbox first (`npx mailplatform dev`, SMTP on 127.0.0.1:4425), then `npm start`.
import { mailplatformHeaders, smtpOptions } from '@mailplatform/sdk/smtp';
import nodemailer from 'nodemailer';

const apiKey = process.env.MAILPLATFORM_API_KEY ?? 'mp_test_example';
const relay = new URL(process.env.MAILPLATFORM_SMTP_URL ?? 'smtp://127.0.0.1:4425');

const transporter = nodemailer.createTransport(
  smtpOptions({
    apiKey,
    host: relay.hostname,
    port: Number(relay.port || (relay.protocol === 'smtps:' ? 465 : 587)),
    secure: relay.protocol === 'smtps:',
  }),
);

const orderNo = 1042;
try {
  const info = await transporter.sendMail({
    from: 'Shop <ordre@shop.dk>',
    to: 'kunde@example.dk',
    subject: `Ordrebekræftelse #${orderNo}`,
    text: 'Tak for din ordre',
    html: '<p>Tak for din ordre</p>',
    headers: mailplatformHeaders({
      tag: 'order-confirmation',
      metadata: { orderId: String(orderNo) },
      idempotencyKey: `order-confirmation/${orderNo}`,
    }),
  });
  // "250 2.0.0 Ok: queued as msg_..." (or "duplicate of msg_..." when the key was seen before)
  console.log(info.response);
} finally {
  transporter.close();
}
