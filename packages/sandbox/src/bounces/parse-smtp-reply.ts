import type { ParsedSmtpReply } from './types.js';

const REPLY_LINE = /^([2-5]\d\d)([ -])(?:([245]\.\d{1,3}\.\d{1,3})(?:\s+|$))?(.*)$/;
const ENHANCED_ANYWHERE = /(?<![\d.])([245]\.\d{1,3}\.\d{1,3})(?![\d.])/;

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Splits an SMTP reply (single or multi-line, `550-5.1.1 ...` continuations) or a DSN
 * `Diagnostic-Code: smtp; 550 ...` value into its codes and a one-line diagnostic. Text without a
 * leading reply code (an MTA's own message such as `connect to mx...: Connection timed out`) keeps its
 * text as the diagnostic and yields an enhanced code only when one stands on its own in the text.
 */
export function parseSmtpReply(text: string): ParsedSmtpReply {
  const cleaned = text.replace(/^\s*diagnostic-code:\s*/i, '').replace(/^\s*smtp;\s*/i, '');
  const lines = cleaned
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  const parsed = lines.map((line) => REPLY_LINE.exec(line));
  const first = parsed[0];
  const isReply =
    first !== undefined && first !== null && parsed.every((match) => match !== null && match[1] === first[1]);

  if (isReply) {
    const matches = parsed as RegExpExecArray[];
    const smtpCode = Number(first[1]);
    const enhancedCode = matches.find((match) => match[3] !== undefined)?.[3];
    const body = collapse(matches.map((match) => match[4] ?? '').join(' '));
    const diagnostic = [first[1], enhancedCode, body].filter((part) => part).join(' ');
    return enhancedCode === undefined ? { smtpCode, diagnostic } : { smtpCode, enhancedCode, diagnostic };
  }

  const diagnostic = collapse(lines.join(' '));
  const enhancedCode = ENHANCED_ANYWHERE.exec(diagnostic)?.[1];
  return enhancedCode === undefined ? { diagnostic } : { enhancedCode, diagnostic };
}
