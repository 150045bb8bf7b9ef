import { CommanderError } from 'commander';
import { CliError } from '../errors.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { redact } from '../redact.js';

export interface ErrorBody {
  code: string;
  message: string;
  status: number | null;
  requestId: string | null;
  /** The key the failed send used: resending with it cannot send twice. */
  idempotencyKey: string | null;
  retryable: boolean;
  hint: string | null;
  /** SMTP failures (cli.md §7): the stage (`auth`, `rcpt`, …), the reply code and the enhanced code. */
  stage?: string;
  smtpCode?: number;
  enhancedCode?: string;
}

const HINTS: Partial<Record<ExitCodeValue, string>> = {
  [ExitCode.auth]: 'check the key: `mailplatform whoami`, `mailplatform login`, or MAILPLATFORM_API_KEY',
  [ExitCode.transient]: 'a temporary failure: retry later (the same idempotency key is safe to reuse)',
  [ExitCode.notFound]: 'check the id, and that the key belongs to the right account and mode',
};

function field<T>(error: object, key: string, check: (v: unknown) => v is T): T | null {
  const value = (error as Record<string, unknown>)[key];
  return check(value) ? value : null;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number';

export function errorBody(error: unknown, exitCode: ExitCodeValue): ErrorBody {
  if (!(error instanceof Error)) {
    return {
      code: 'error',
      message: String(error),
      status: null,
      requestId: null,
      idempotencyKey: null,
      retryable: false,
      hint: null,
    };
  }
  let message = error.message;
  let code = field(error, 'code', isString) ?? 'error';
  if (error instanceof CommanderError) {
    message = message.replace(/^error: /, '');
    code = 'usage_error';
  }
  const ambiguous = error.name === 'AmbiguousDeliveryError';
  const hint =
    error instanceof CliError
      ? (error.hint ?? null)
      : ambiguous
        ? 'the message may have been delivered: check `mailplatform messages list` before sending again'
        : (HINTS[exitCode] ?? null);
  const stage = field(error, 'stage', isString);
  const smtpCode = field(error, 'smtpCode', isNumber);
  const enhancedCode = field(error, 'enhancedCode', isString);
  return {
    code,
    message: redact(message),
    status: field(error, 'status', isNumber),
    requestId: field(error, 'requestId', isString),
    idempotencyKey: field(error, 'idempotencyKey', isString),
    retryable: (error as { retryable?: unknown }).retryable === true,
    hint,
    ...(stage === null ? {} : { stage }),
    ...(smtpCode === null ? {} : { smtpCode }),
    ...(enhancedCode === null ? {} : { enhancedCode }),
  };
}

/** Errors always go to stderr: a JSON document in json/jsonl/csv mode, `error: …` lines otherwise. */
export function formatError(body: ErrorBody, json: boolean, secrets: readonly string[] = []): string {
  if (json) return `${redact(JSON.stringify({ error: body }), secrets)}\n`;
  const lines = [`error: ${body.message}`];
  if (body.status !== null) lines.push(`  status: ${body.status}`);
  if (body.requestId) lines.push(`  request id: ${body.requestId}`);
  if (body.idempotencyKey) lines.push(`  idempotency key: ${body.idempotencyKey}`);
  if (body.stage !== undefined || body.smtpCode !== undefined) {
    const reply = [body.smtpCode, body.enhancedCode].filter((v) => v !== undefined).join(' ');
    lines.push(`  smtp: ${[body.stage && `stage ${body.stage}`, reply].filter(Boolean).join(', ')}`);
  }
  if (body.hint) lines.push(`  hint: ${body.hint}`);
  return redact(lines.map((l) => `${l}\n`).join(''), secrets);
}
