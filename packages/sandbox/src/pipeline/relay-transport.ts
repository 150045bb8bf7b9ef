import { isLoopbackHost } from '@mailplatform/sdk';
import nodemailer from 'nodemailer';
import { classifyBounce, parseSmtpReply, type SmtpPhase, type TransportFailure } from '../bounces/index.js';

export interface RelayOptions {
  /** `smtp://host:port` of a real SMTP server that receives every non-simulated recipient's MIME. */
  url: string;
  /** Allow a non-loopback relay host (`--allow-remote-relay`); loopback only by default. */
  allowRemote?: boolean;
}

interface SmtpFailure {
  remoteMta: string;
  phase: SmtpPhase;
  smtpCode?: number;
  enhancedCode?: string;
  diagnostic: string;
}

/** What the relay's reply means for one recipient: one attempt, no retries. */
export type RelayOutcome =
  | { kind: 'delivered'; smtpResponse: string; remoteMta: string }
  | (SmtpFailure & { kind: 'bounced'; class: string; type: string; rule: string })
  | (SmtpFailure & { kind: 'deferred'; reason: string; type: string; rule: string });

const TIMEOUT_MS = 5_000;

const PHASES: Record<string, SmtpPhase> = {
  CONN: 'connect',
  EHLO: 'helo',
  HELO: 'helo',
  LHLO: 'helo',
  'MAIL FROM': 'mail',
  'RCPT TO': 'rcpt',
  DATA: 'data',
};

/** Validates `smtp://host:port`; throws for anything else, and for a remote host unless allowed. */
export function parseRelayUrl(options: RelayOptions): { host: string; port: number } {
  const url = URL.canParse(options.url) ? new URL(options.url) : null;
  if (url?.protocol !== 'smtp:' || url.hostname === '' || url.pathname.replace(/^\/$/, '') !== '') {
    throw new Error(`relay must be smtp://host:port, got ${JSON.stringify(options.url)}`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!options.allowRemote && !isLoopbackHost(host)) {
    throw new Error(
      `relay host ${host} is not a loopback address; pass allowRemoteRelay (--allow-remote-relay) to relay elsewhere`,
    );
  }
  return { host, port: url.port === '' ? 25 : Number(url.port) };
}

/** Hands one recipient's final MIME to the relay and classifies its reply. */
export class RelayTransport {
  readonly host: string;
  private readonly port: number;

  constructor(options: RelayOptions) {
    ({ host: this.host, port: this.port } = parseRelayUrl(options));
  }

  async deliver(from: string, recipient: string, mime: Buffer): Promise<RelayOutcome> {
    const transport = nodemailer.createTransport({
      host: this.host,
      port: this.port,
      secure: false,
      ignoreTLS: isLoopbackHost(this.host),
      connectionTimeout: TIMEOUT_MS,
      greetingTimeout: TIMEOUT_MS,
      socketTimeout: TIMEOUT_MS,
    });
    try {
      const info = await transport.sendMail({ envelope: { from, to: [recipient] }, raw: mime });
      return { kind: 'delivered', smtpResponse: info.response, remoteMta: this.host };
    } catch (error) {
      return this.failure(error);
    } finally {
      transport.close();
    }
  }

  private failure(error: unknown): RelayOutcome {
    const { responseCode, response, command, code, message } = error as {
      responseCode?: number;
      response?: string;
      command?: string;
      code?: string;
      message?: string;
    };
    const phase =
      (command !== undefined ? PHASES[command] : undefined) ?? (responseCode ? 'data' : 'connect');
    const base = { remoteMta: this.host, phase };
    if (responseCode === undefined) {
      const diagnostic = message ?? String(error);
      // nodemailer reports a refused socket as ESOCKET; the errno stays in the message
      const refused = code === 'ECONNREFUSED' || diagnostic.includes('ECONNREFUSED');
      const transport: TransportFailure = refused ? 'connection_refused' : 'connection_timeout';
      return { ...base, diagnostic, ...outcome(classifyBounce({ transport })) };
    }
    const parsed = parseSmtpReply(response ?? String(responseCode));
    const smtpCode = parsed.smtpCode ?? responseCode;
    const smtp = {
      smtpCode,
      ...(parsed.enhancedCode !== undefined ? { enhancedCode: parsed.enhancedCode } : {}),
      diagnostic: response ?? parsed.diagnostic,
    };
    return { ...base, ...smtp, ...outcome(classifyBounce({ ...smtp, phase })) };
  }
}

function outcome(
  result: ReturnType<typeof classifyBounce>,
):
  | { kind: 'bounced'; class: string; type: string; rule: string }
  | { kind: 'deferred'; reason: string; type: string; rule: string } {
  return result.outcome === 'bounce'
    ? { kind: 'bounced', class: result.class, type: result.type, rule: result.rule }
    : { kind: 'deferred', reason: result.reason, type: result.type, rule: result.rule };
}
