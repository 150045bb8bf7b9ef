import { CommanderError } from 'commander';
import { CliError } from '../errors.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { redact } from '../redact.js';

export interface ErrorBody {
  code: string;
  message: string;
  status: number | null;
  requestId: string | null;
  /** The key the failed send used: resending with it cannot send twice. Null for other commands. */
  idempotencyKey: string | null;
  retryable: boolean;
  hint: string | null;
  /** Validation failures: the offending input and every field error (JSON pointer, code, message). */
  field?: string;
  errors?: FieldErrorBody[];
  /** SMTP failures (cli.md §7): the stage (`auth`, `rcpt`, …), the reply code and the enhanced code. */
  stage?: string;
  smtpCode?: number;
  enhancedCode?: string;
}

export interface FieldErrorBody {
  pointer: string;
  code: string;
  message: string;
}

/** What the failed invocation was, for hints that fit it. */
export interface ErrorContext {
  /** The command path, e.g. `['suppressions', 'remove']`; empty when none was recognised. */
  command: readonly string[];
}

function hintFor(exitCode: ExitCodeValue, command: string, idempotencyKey: string | null): string | null {
  switch (exitCode) {
    case ExitCode.auth:
      return 'check the key: `mailplatform whoami`, `mailplatform login`, or MAILPLATFORM_API_KEY';
    case ExitCode.transient:
      return idempotencyKey === null
        ? 'a temporary failure: retry later'
        : 'a temporary failure: retry later (the same idempotency key is safe to reuse)';
    case ExitCode.notFound:
      if (command === 'suppressions remove')
        return 'the address is not suppressed (for this stream): see `mailplatform suppressions check`';
      return 'check the name or id, and that the key belongs to the right account and mode';
    default:
      return null;
  }
}

function fieldErrors(error: object): FieldErrorBody[] | null {
  const value = (error as Record<string, unknown>).errors;
  if (!Array.isArray(value) || value.length === 0) return null;
  return value.flatMap((e: unknown) => {
    if (typeof e !== 'object' || e === null) return [];
    const { pointer, code, message } = e as Record<string, unknown>;
    return typeof pointer === 'string' && typeof code === 'string' && typeof message === 'string'
      ? [{ pointer, code, message: redact(message) }]
      : [];
  });
}

function field<T>(error: object, key: string, check: (v: unknown) => v is T): T | null {
  const value = (error as Record<string, unknown>)[key];
  return check(value) ? value : null;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number';

export function errorBody(
  error: unknown,
  exitCode: ExitCodeValue,
  context: ErrorContext = { command: [] },
): ErrorBody {
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
  // The SDK gives every POST an idempotency key; only a send's key is worth resending with.
  const idempotencyKey = context.command[0] === 'send' ? field(error, 'idempotencyKey', isString) : null;
  const hint =
    error instanceof CliError
      ? (error.hint ?? null)
      : ambiguous
        ? 'the message may have been delivered: check `mailplatform messages list` before sending again'
        : hintFor(exitCode, context.command.join(' '), idempotencyKey);
  const stage = field(error, 'stage', isString);
  const smtpCode = field(error, 'smtpCode', isNumber);
  const enhancedCode = field(error, 'enhancedCode', isString);
  const invalidField = field(error, 'field', isString);
  const errors = fieldErrors(error);
  return {
    code,
    message: redact(message),
    status: field(error, 'status', isNumber),
    requestId: field(error, 'requestId', isString),
    idempotencyKey,
    retryable: (error as { retryable?: unknown }).retryable === true,
    hint,
    ...(stage === null ? {} : { stage }),
    ...(smtpCode === null ? {} : { smtpCode }),
    ...(enhancedCode === null ? {} : { enhancedCode }),
    ...(invalidField === null ? {} : { field: invalidField }),
    ...(errors === null || errors.length === 0 ? {} : { errors }),
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
