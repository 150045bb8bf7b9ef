import { connect } from 'node:tls';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../src/create-sandbox.js';

let sandbox: Sandbox;
let plain: Sandbox;
beforeAll(async () => {
  sandbox = await createSandbox({ port: 0, smtpPort: 0, smtpsPort: 0, clock: { frozen: true } });
  plain = await createSandbox({ port: 0, smtpPort: 0 });
});
afterAll(async () => {
  await Promise.all([sandbox.close(), plain.close()]);
});

describe('createSandbox smtpsPort', () => {
  it('accepts mail over implicit TLS into the inbox', async () => {
    expect(sandbox.smtpsPort).toEqual(expect.any(Number));
    expect(sandbox.smtpsPort).not.toBe(sandbox.smtpPort);
    expect(sandbox.smtpsUrl).toBe(`smtps://127.0.0.1:${sandbox.smtpsPort}`);
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: sandbox.smtpsPort!,
      secure: true,
      auth: { user: 'apikey', pass: sandbox.apiKey },
      tls: { rejectUnauthorized: false },
    });
    try {
      const info = await transport.sendMail({
        from: 'ordre@shop.dk',
        to: 'kunde@example.dk',
        subject: 'Over SMTPS',
        text: 'Krypteret fra første byte',
      });
      expect(info.rejected).toEqual([]);
    } finally {
      transport.close();
    }
    const received = await sandbox.inbox.waitFor({ subject: 'Over SMTPS', timeout: 5_000 });
    expect(received).toMatchObject({
      subject: 'Over SMTPS',
      channel: 'smtp',
      to: [{ email: 'kunde@example.dk' }],
      text: 'Krypteret fra første byte\n',
    });
  });

  it('speaks TLS from the first byte on the SMTPS port', async () => {
    const socket = connect({ host: '127.0.0.1', port: sandbox.smtpsPort!, rejectUnauthorized: false });
    try {
      const greeting = await new Promise<string>((resolve, reject) => {
        socket.once('data', (chunk: Buffer) => resolve(chunk.toString()));
        socket.once('error', reject);
      });
      expect(greeting).toMatch(/^220 /);
      expect(socket.encrypted).toBe(true);
    } finally {
      socket.destroy();
    }
  });

  it('is off unless smtpsPort is given', () => {
    expect(plain.smtpPort).toEqual(expect.any(Number));
    expect(plain.smtpsPort).toBeNull();
    expect(plain.smtpsUrl).toBeNull();
  });
});
