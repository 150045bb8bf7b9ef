import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSelfSignedCertificate } from './self-signed-certificate.js';

describe('createSelfSignedCertificate', () => {
  // Random serials starting 0x00 0x0N used to produce a non-minimal DER INTEGER that OpenSSL refuses.
  it.each([
    ['a leading zero byte', [0x00, 0x05]],
    ['a leading 0x80 (would read as negative)', [0x80, 0x00]],
    ['all ones', [0xff, 0xff]],
    ['all zeros', [0x00, 0x00]],
  ])('yields a certificate OpenSSL parses for a serial with %s', (_, head) => {
    const serial = Buffer.alloc(16, 0x11);
    serial.set(head, 0);
    const material = createSelfSignedCertificate('localhost', new Date('2026-11-27T12:00:00Z'), serial);
    const certificate = new X509Certificate(material.cert);
    expect(certificate.subject).toBe('CN=localhost');
    expect(certificate.serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);
    expect(certificate.checkHost('localhost')).toBe('localhost');
    expect(certificate.checkIP('127.0.0.1')).toBe('127.0.0.1');
  });
});
