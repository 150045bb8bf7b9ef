import { describe, expect, it } from 'vitest';
import { parseSmtpReply } from './index.js';

describe('parseSmtpReply', () => {
  it('reads a single-line reply', () => {
    expect(parseSmtpReply('550 5.1.1 The email account that you tried to reach does not exist')).toEqual({
      smtpCode: 550,
      enhancedCode: '5.1.1',
      diagnostic: '550 5.1.1 The email account that you tried to reach does not exist',
    });
  });

  it('joins a multi-line reply', () => {
    const reply = [
      '550-5.1.1 The email account that you tried to reach does not exist. Please try',
      "550-5.1.1 double-checking the recipient's email address for typos or",
      '550 5.1.1  unnecessary spaces.',
    ].join('\r\n');
    expect(parseSmtpReply(reply)).toEqual({
      smtpCode: 550,
      enhancedCode: '5.1.1',
      diagnostic:
        "550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces.",
    });
  });

  it('reads a reply without an enhanced code', () => {
    expect(parseSmtpReply("554 delivery error: dd This user doesn't have a yahoo.com account")).toEqual({
      smtpCode: 554,
      diagnostic: "554 delivery error: dd This user doesn't have a yahoo.com account",
    });
  });

  it('reads a three-digit detail', () => {
    expect(parseSmtpReply('550 5.7.606 Access denied, banned sending IP [192.0.2.10]')).toMatchObject({
      smtpCode: 550,
      enhancedCode: '5.7.606',
    });
  });

  it('reads a DSN Diagnostic-Code value', () => {
    expect(parseSmtpReply('Diagnostic-Code: smtp; 552 5.2.2 Mailbox full')).toEqual({
      smtpCode: 552,
      enhancedCode: '5.2.2',
      diagnostic: '552 5.2.2 Mailbox full',
    });
  });

  it('keeps MTA text without codes, and finds a standalone enhanced code but not an IP', () => {
    expect(parseSmtpReply('connect to mx.example.dk[192.0.2.25]:25: Connection timed out')).toEqual({
      diagnostic: 'connect to mx.example.dk[192.0.2.25]:25: Connection timed out',
    });
    expect(parseSmtpReply('4.4.7 Delivery time expired')).toEqual({
      enhancedCode: '4.4.7',
      diagnostic: '4.4.7 Delivery time expired',
    });
  });

  it('returns an empty diagnostic for empty text', () => {
    expect(parseSmtpReply('  \r\n ')).toEqual({ diagnostic: '' });
  });
});
