import type {
  AttachmentPathInput,
  SendMessageInput,
  SendMessageRequest,
  SendResult,
} from '@mailplatform/sdk';
import type { CliClient } from '../client.js';
import { keyMode } from '../config/settings.js';
import { parseInteger } from '../duration.js';
import { PartialFailureError, UsageError } from '../errors.js';
import { maskSecret, redact } from '../redact.js';
import type { Session } from '../session.js';
import { effectiveRelay, parseSmtpUrl } from '../smtp-url.js';
import { readLocalFile } from './local-files.js';

export interface SendOptions {
  to?: string[];
  cc?: string[];
  bcc?: string[];
  replyTo?: string[];
  from?: string;
  subject?: string;
  text?: string;
  html?: string;
  textFile?: string;
  htmlFile?: string;
  template?: string;
  data?: string;
  attach?: string[];
  tag?: string;
  metadata?: string[];
  header?: string[];
  stream?: string;
  idempotencyKey?: string;
  via: 'api' | 'smtp';
  dryRun?: boolean;
  trace?: boolean;
  count?: string;
  concurrency: string;
}

/** `--data '{"a":1}'` or `--data @file.json`. */
export async function readJsonArgument(value: string, flag: string): Promise<Record<string, unknown>> {
  const text = value.startsWith('@') ? await readLocalFile(value.slice(1), flag) : value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError(`${flag} is not valid JSON`, `pass a JSON object, or @file.json`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`${flag} must be a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

function pairs(
  values: readonly string[] | undefined,
  separator: '=' | ':',
  flag: string,
): Record<string, string> | undefined {
  if (!values || values.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const value of values) {
    const at = value.indexOf(separator);
    if (at <= 0)
      throw new UsageError(
        `invalid ${flag} "${value}"`,
        `use ${flag} ${separator === '=' ? 'key=value' : 'Name:value'}`,
      );
    out[value.slice(0, at).trim()] = value.slice(at + 1).trim();
  }
  return out;
}

// Lower-case header → the flag of `send` that sets it. The SDK names API fields; the user typed flags.
const HEADER_FLAGS: Readonly<Record<string, string>> = {
  from: '--from',
  to: '--to',
  cc: '--cc',
  bcc: '--bcc',
  'reply-to': '--reply-to',
  subject: '--subject',
  'x-mp-stream': '--stream',
  'x-mp-tag': '--tag',
  'x-mp-metadata': '--metadata key=value',
  'x-mp-template': '--template',
  'x-mp-template-data': '--data',
  'x-mp-idempotency-key': '--idempotency-key',
};

/** A `--header` that a flag of `send` sets, or an `X-MP-*` control header, is a usage error naming the flag. */
function checkHeaderFlag(name: string): void {
  const lower = name.toLowerCase();
  const flag = lower.startsWith('x-mp-metadata-')
    ? `--metadata ${name.slice('x-mp-metadata-'.length)}=value`
    : HEADER_FLAGS[lower];
  if (flag !== undefined) throw new UsageError(`--header ${name} is set by a flag`, `use ${flag} instead`);
  if (lower.startsWith('x-mp-'))
    throw new UsageError(
      `--header ${name}: X-MP-* control headers cannot be given to send`,
      'tracking, scheduling and simulation have no send flag; use the SDK or the API',
    );
}

/** `path;type=application/pdf;cid=logo;filename=x.pdf`. */
export function parseAttachment(spec: string): AttachmentPathInput {
  const [path = '', ...params] = spec.split(';');
  if (path === '')
    throw new UsageError(`invalid --attach "${spec}"`, 'use --attach path[;type=…;cid=…;filename=…]');
  const out: AttachmentPathInput = { path };
  for (const param of params) {
    const [key, value = ''] = param.split('=', 2);
    if (key === 'type') out.contentType = value;
    else if (key === 'cid') {
      out.contentId = value;
      out.disposition = 'inline';
    } else if (key === 'filename') out.filename = value;
    else throw new UsageError(`unknown --attach parameter "${key}"`, 'use type=, cid= or filename=');
  }
  return out;
}

export async function buildMessage(s: Session, o: SendOptions): Promise<SendMessageInput> {
  const from = o.from ?? s.settings.profileConfig.defaultFrom ?? s.settings.project?.defaultFrom;
  if (!o.to || o.to.length === 0) throw new UsageError('--to is required');
  if (!from)
    throw new UsageError(
      '--from is required',
      'or set a default: `mailplatform config set defaultFrom "Shop <ordre@shop.dk>"`',
    );
  if (o.text !== undefined && o.textFile !== undefined)
    throw new UsageError('--text and --text-file cannot be combined');
  if (o.html !== undefined && o.htmlFile !== undefined)
    throw new UsageError('--html and --html-file cannot be combined');
  if (o.data !== undefined && !o.template) throw new UsageError('--data needs --template');
  const text = o.textFile !== undefined ? await readLocalFile(o.textFile, '--text-file') : o.text;
  const html = o.htmlFile !== undefined ? await readLocalFile(o.htmlFile, '--html-file') : o.html;
  if (!o.template && text === undefined && html === undefined) {
    throw new UsageError('no content', 'give --text, --html, --text-file, --html-file or --template');
  }
  if (!o.template && o.subject === undefined)
    throw new UsageError('--subject is required without --template');
  const metadata = pairs(o.metadata, '=', '--metadata');
  const headers = pairs(o.header, ':', '--header');
  for (const name of Object.keys(headers ?? {})) checkHeaderFlag(name);
  const message: SendMessageInput = {
    from,
    to: o.to,
    ...(o.cc ? { cc: o.cc } : {}),
    ...(o.bcc ? { bcc: o.bcc } : {}),
    ...(o.replyTo ? { replyTo: o.replyTo } : {}),
    ...(o.subject !== undefined ? { subject: o.subject } : {}),
    ...(text !== undefined ? { text } : {}),
    ...(html !== undefined ? { html } : {}),
    ...(o.template
      ? {
          template: {
            alias: o.template,
            ...(o.data ? { data: await readJsonArgument(o.data, '--data') } : {}),
          },
        }
      : {}),
    ...(o.tag ? { tag: o.tag } : {}),
    ...(metadata ? { metadata } : {}),
    ...(headers ? { headers } : {}),
    ...(o.stream ? { stream: o.stream } : {}),
    ...(o.attach ? { attachments: o.attach.map(parseAttachment) } : {}),
  } as SendMessageInput;
  return message;
}

const RESULT_COLUMNS = [
  { key: 'id' },
  { key: 'status' },
  { key: 'stream' },
  { key: 'submittedAt', header: 'submitted' },
  { key: 'idempotencyKey', header: 'idempotency key' },
  { key: 'replayed' },
];

/** `C: EHLO x` / `S: 250 ok` from the SDK's SMTP trace as swaks prints them: ` -> EHLO x` / `<-  250 ok`. */
function swaksLine(line: string): string {
  if (line.startsWith('C: ')) return ` -> ${line.slice(3)}`;
  if (line.startsWith('S: ')) return `<-  ${line.slice(3)}`;
  return line;
}

/**
 * A client that writes each exchange to stderr, the key redacted. Over the API: method, URL, status,
 * request id and timing through the SDK's logger. Over SMTP: the whole dialogue, swaks-style, through
 * the SDK's `smtp.trace` (AUTH lines arrive as `[redacted]`).
 */
async function tracingClient(s: Session, o: SendOptions): Promise<CliClient> {
  const options = s.clientOptions();
  const write = (line: string) => s.ctx.stderr.write(`${redact(line, s.secrets)}\n`);
  const client = await s.ctx.createClient({
    ...options,
    ...(o.via === 'smtp' ? { smtp: { ...options.smtp, trace: (line) => write(swaksLine(line)) } } : {}),
    logger: {
      debug: (message, fields) => {
        if (fields && 'status' in fields) {
          const { method, url, status, attempt, ms, requestId } = fields;
          write(
            `< ${String(method)} ${String(url)} → ${String(status)} (attempt ${String(attempt)}, ${String(ms)} ms${requestId ? `, request id ${String(requestId)}` : ''})`,
          );
        } else write(`* ${message}`);
      },
    },
  });
  s.onClose(() => client.close());
  if (o.via === 'smtp') {
    const relay = await effectiveRelay(options.apiKey, options.smtp);
    write(`=== Trying ${relay.host}:${relay.port} (user ${relay.user}, password: the API key, redacted)`);
  } else {
    write(
      `> POST ${client.baseUrl}/v1/messages\n` +
        `> Authorization: Bearer ${maskSecret(options.apiKey)}\n` +
        '> Content-Type: application/json\n' +
        `> Idempotency-Key: ${o.idempotencyKey ?? '(generated)'}`,
    );
  }
  return client;
}

/** A key of the right shape when none is configured: a dry run sends nothing. */
const DRY_RUN_KEY = 'mp_test_dry_run';

/**
 * Runs the SDK's own preparation and validation (attachments read and sized, every field checked)
 * through a transport that records the request instead of sending it. Invalid input throws the SDK's
 * `ValidationError` (exit 10), as a real send would.
 */
async function preparedBody(s: Session, message: SendMessageInput): Promise<SendMessageRequest> {
  const { MailPlatform } = await import('@mailplatform/sdk');
  let body: string | undefined;
  const client = new MailPlatform({
    apiKey: s.settings.apiKey?.value ?? DRY_RUN_KEY,
    baseUrl: s.settings.baseUrl,
    maxRetries: 0,
    transport: async (request) => {
      body = typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body);
      return new Response(JSON.stringify({ id: 'dry-run', status: 'queued' }), {
        status: 202,
        headers: { 'content-type': 'application/json' },
      });
    },
  });
  try {
    await client.messages.send(message, { signal: s.ctx.signal });
  } finally {
    await client.close();
  }
  return JSON.parse(body ?? '{}') as SendMessageRequest;
}

async function dryRun(s: Session, o: SendOptions, message: SendMessageInput, count: number): Promise<void> {
  const body = await preparedBody(s, message);
  const key = s.settings.apiKey;
  const idempotencyKey = o.idempotencyKey ?? '(generated per message)';
  if (o.via === 'smtp') {
    const smtp = s.settings.smtpUrl ? parseSmtpUrl(s.settings.smtpUrl) : undefined;
    const relay = await effectiveRelay(key?.value ?? DRY_RUN_KEY, smtp);
    const { buildMime } = await import('@mailplatform/sdk/smtp');
    const mime = await buildMime(body, o.idempotencyKey ?? 'dry-run');
    s.out.object({
      via: o.via,
      relay: `${relay.host}:${relay.port}`,
      tls: relay.secure ? 'implicit' : 'STARTTLS',
      user: relay.user,
      envelope: mime.envelope,
      idempotencyKey,
      count,
      body,
    });
    return;
  }
  s.out.object({
    via: o.via,
    method: 'POST',
    url: `${s.settings.baseUrl.replace(/\/v1\/?$/, '').replace(/\/$/, '')}/v1/messages`,
    headers: {
      Authorization: key ? `Bearer ${maskSecret(key.value)}` : null,
      'Idempotency-Key': idempotencyKey,
    },
    count,
    body,
  });
}

export async function send(s: Session, o: SendOptions): Promise<void> {
  const message = await buildMessage(s, o);
  const count = o.count === undefined ? 1 : parseInteger(o.count, '--count', 1);
  const concurrency = parseInteger(o.concurrency, '--concurrency', 1);
  if (o.dryRun) {
    await dryRun(s, o, message, count);
    return;
  }
  if (count > 1) {
    if (count > 10 && !s.globals.yes)
      throw new UsageError(`--count ${count} sends ${count} messages`, 'pass --yes to confirm more than 10');
    const key = s.settings.apiKey;
    if (key && keyMode(key.value) === 'live' && !(s.globals.live && s.globals.yes)) {
      throw new UsageError('--count with a live key needs --live --yes', 'load tests belong on test keys');
    }
  }
  const client = o.trace ? await tracingClient(s, o) : await s.client();
  const sendOne = async (index: number): Promise<SendResult> => {
    const key =
      o.idempotencyKey === undefined
        ? undefined
        : count > 1
          ? `${o.idempotencyKey}:${index}`
          : o.idempotencyKey;
    return client.messages.send(message, {
      via: o.via,
      signal: s.ctx.signal,
      ...(key === undefined ? {} : { idempotencyKey: key }),
    });
  };
  if (count === 1) {
    const result = await sendOne(0);
    if (o.trace) {
      s.ctx.stderr.write(
        `${o.via === 'smtp' ? '===' : '<'} ${result.status} ${result.id} (idempotency key ${result.idempotencyKey}${result.replayed ? ', replayed' : ''})\n`,
      );
    }
    s.out.object(result, RESULT_COLUMNS);
    return;
  }
  const results: (
    | { index: number; id: string; status: string; idempotencyKey: string }
    | { index: number; status: 'failed'; idempotencyKey: string | null; error: string }
  )[] = new Array(count);
  let next = 0;
  let done = 0;
  const progress = s.out.settings.progress;
  const tick = () => {
    if (progress) s.ctx.stderr.write(`\r${done}/${count} sent`);
  };
  const worker = async () => {
    while (next < count) {
      const index = next++;
      try {
        const result = await sendOne(index);
        results[index] = {
          index,
          id: result.id,
          status: result.status,
          idempotencyKey: result.idempotencyKey,
        };
      } catch (error) {
        if (s.ctx.signal.aborted) throw error;
        const key = (error as { idempotencyKey?: unknown }).idempotencyKey;
        results[index] = {
          index,
          status: 'failed',
          idempotencyKey: typeof key === 'string' ? key : null,
          error: error instanceof Error ? error.message : String(error),
        };
      }
      done++;
      tick();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  if (progress) s.ctx.stderr.write('\n');
  s.out.list(results, [
    { key: 'index' },
    { key: 'id' },
    { key: 'status' },
    { key: 'idempotencyKey', header: 'idempotency key' },
    { key: 'error' },
  ]);
  const failed = results.filter((r) => r.status === 'failed').length;
  if (failed > 0) throw new PartialFailureError(`${failed} of ${count} sends failed`, results);
}
