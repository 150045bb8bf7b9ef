import { format } from 'node:util';
import { redactText } from '../redact.js';

/** One line of the SMTP dialogue: `C: EHLO host`, `S: 250 2.0.0 Ok: queued as msg_...`. */
export type TraceListener = (line: string) => void;

export interface TranscriptLogger {
  debug(entry: unknown, message?: unknown, ...args: unknown[]): void;
  trace(): void;
  info(): void;
  warn(): void;
  error(): void;
  fatal(): void;
}

/** The AUTH password in every form it can take on the wire: as is, and inside base64 PLAIN/LOGIN blobs. */
export function secretForms(user: string, password: string): string[] {
  return [
    password,
    Buffer.from(password).toString('base64'),
    Buffer.from(`\u0000${user}\u0000${password}`).toString('base64'),
    Buffer.from(`${user}\u0000${user}\u0000${password}`).toString('base64'),
  ];
}

/** Redacts a client line of the dialogue: AUTH arguments and SASL continuation lines become `[redacted]`. */
export function redactClientLine(line: string, secrets: readonly string[]): string {
  const auth = /^AUTH\s+(\S+)/i.exec(line);
  if (auth) return `AUTH ${auth[1]} [redacted]`;
  if (line.includes('/* secret */')) return '[redacted]';
  return redactSecrets(line, secrets);
}

export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length > 0) out = out.split(secret).join('[redacted]');
  return redactText(out);
}

/**
 * A nodemailer logger that turns its transaction log into transcript lines. nodemailer already masks
 * AUTH commands; the listener still only sees lines that went through `redactClientLine`.
 */
export function transcriptLogger(listener: TraceListener, secrets: readonly string[]): TranscriptLogger {
  const ignore = (): void => {};
  return {
    debug(entry, message, ...args) {
      const tnx = typeof entry === 'object' && entry !== null ? (entry as { tnx?: unknown }).tnx : undefined;
      if (tnx !== 'client' && tnx !== 'server') return;
      const text = format(String(message ?? ''), ...args);
      for (const line of text.split(/\r?\n/)) {
        if (line.length === 0) continue;
        listener(
          tnx === 'client' ? `C: ${redactClientLine(line, secrets)}` : `S: ${redactSecrets(line, secrets)}`,
        );
      }
    },
    trace: ignore,
    info: ignore,
    warn: ignore,
    error: ignore,
    fatal: ignore,
  };
}
