import {
  errorFromResponse,
  isMailPlatformError,
  MailPlatformError,
  type ProblemDetails,
  ValidationError,
} from '../errors.js';
import type { ApiResponse, Requester, RequestOptions } from '../http/types.js';
import type { Platform, SendMessageInput } from '../platform.js';
import type {
  BatchResult,
  BatchSendResponse,
  ListMessagesQuery,
  MailEvent,
  Message,
  SendMessageRequest,
  SendMessageResponse,
} from '../schemas/index.js';
import type { SmtpSender } from '../smtp-sender.js';
import { toFieldPath, type ValidateSendMessageOptions, validateSendMessage } from '../validation/index.js';
import { call, listPages, type PagePromise, pathOf } from './shared.js';

export interface SendOptions extends RequestOptions {
  /** `api` (default) posts to `/v1/messages`; `smtp` hands the message to the SMTP relay (Node only). */
  via?: 'api' | 'smtp';
}

/** The platform's 202 body plus the idempotency key used and whether the platform replayed a stored answer. */
export type SendResult = SendMessageResponse & { idempotencyKey: string; replayed: boolean };

export interface BatchItemSuccess {
  index: number;
  id: string;
  status: SendMessageResponse['status'];
  /** True when the chunk's answer was a replay of an earlier request with the same key (sent before). */
  replayed: boolean;
  clientReference?: string;
}

export interface BatchItemFailure {
  index: number;
  error: MailPlatformError;
  /**
   * The offending input as a field path from the caller's array (`messages[1150].template`): the
   * client-side error's `field`, or the first server-side pointer rewritten to the input index.
   * Absent when the whole chunk failed.
   */
  field?: string;
  clientReference?: string;
}

/** One per input message, in input order. */
export type BatchItemResult = BatchItemSuccess | BatchItemFailure;

const API_CHECKS: ValidateSendMessageOptions = { channel: 'api' };

/** The platform's limit per batch request. */
export const BATCH_CHUNK_SIZE = 500;
/** Chunks of one `sendBatch` call in flight at once. */
export const BATCH_CONCURRENCY = 2;

export interface MessagesContext {
  requester: Requester;
  platform: Platform;
  /** The client's SMTP sender, created on first use. */
  smtp: () => Promise<SmtpSender>;
}

interface PreparedItem {
  index: number;
  message: SendMessageRequest;
  clientReference: string | undefined;
}

/** Sending and looking up messages. */
export class MessagesResource {
  readonly #context: MessagesContext;

  constructor(context: MessagesContext) {
    this.#context = context;
  }

  /**
   * Sends one message (raw content or a template). Validates it before any request; attachments may
   * be bytes, base64 or (Node) `{ path }`. The same idempotency key is reused on every retry.
   *
   * @example
   * ```ts
   * const result = await mp.messages.send(
   *   {
   *     from: 'Hyggeshop <ordre@hyggeshop.dk>',
   *     to: 'kunde@example.dk',
   *     template: { alias: 'order-confirmation', data: { orderNo: 1042, total: 499.95 } },
   *     tag: 'order-confirmation',
   *     metadata: { orderId: '1042' },
   *   },
   *   // A business key: a second call for the same order replays instead of sending twice.
   *   { idempotencyKey: 'order-1042:confirmation' },
   * );
   * console.log(result.id, result.replayed ? 'sent earlier' : 'sent now');
   * ```
   */
  async send(message: SendMessageInput, options?: SendOptions): Promise<SendResult> {
    try {
      return await this.#send(message, options);
    } catch (error) {
      // Errors thrown before any request (validation, attachments) carry the caller's key too.
      const key = options?.idempotencyKey;
      if (key !== undefined && isMailPlatformError(error) && error.idempotencyKey === undefined) {
        error.idempotencyKey = key;
      }
      throw error;
    }
  }

  async #send(message: SendMessageInput, options: SendOptions | undefined): Promise<SendResult> {
    if (options?.via === 'smtp') {
      const { via: _via, ...requestOptions } = options;
      // Only the attachments are normalised here: the sender validates the message once, with the
      // header-injection checks, before nodemailer sees it.
      const prepared = await this.#context.platform.prepareMessage(message);
      const idempotencyKey = requestOptions.idempotencyKey ?? generateKey();
      const sender = await this.#context.smtp();
      return sender.send(prepared, { ...requestOptions, idempotencyKey });
    }
    const pending = this.#prepare(message, API_CHECKS);
    const body = pending instanceof Promise ? await pending : pending;
    const response = await this.#context.requester.request<SendMessageResponse>({
      method: 'POST',
      path: '/messages',
      body,
      kind: 'send',
      // `via` may ride along: the requester reads only the request options it knows.
      options,
    });
    const data: unknown = response.data;
    // Success means the platform named the message; anything else may or may not have been sent.
    if (!hasMessageId(data)) {
      throw invalidResponse(`POST /v1/messages answered ${response.status} without a message id`, response);
    }
    // The parsed body is ours alone: complete it in place instead of copying it.
    const result = data as SendResult;
    result.idempotencyKey = response.idempotencyKey ?? '';
    result.replayed = response.replayed;
    return result;
  }

  /**
   * Sends any number of messages in requests of at most 500 (`validation: 'partial'`), keyed
   * `<key>:<chunk index>`; at most two requests run at once. Resolves to one result per message, in
   * input order: invalid messages are reported as `{ index, error }` without being sent. Calling
   * again with the same `idempotencyKey` and the same messages replays instead of sending twice.
   * Rejects only when no chunk was accepted at all (for example a bad API key).
   *
   * @example
   * ```ts
   * // shipped: today's dispatched orders, { orderNo, email, trackingUrl }[]
   * const results = await mp.messages.sendBatch(
   *   shipped.map((order) => ({
   *     from: 'Hyggeshop <ordre@hyggeshop.dk>',
   *     to: order.email,
   *     template: { alias: 'order-shipped', data: { orderNo: order.orderNo, trackingUrl: order.trackingUrl } },
   *     tag: 'order-shipped',
   *     clientReference: String(order.orderNo),
   *   })),
   *   { idempotencyKey: 'shipped-2026-03-14' }, // chunks are sent as shipped-2026-03-14:0, :1, …
   * );
   * for (const item of results) {
   *   if ('error' in item) console.warn(`order ${item.clientReference}: ${item.error.code}`);
   * }
   * ```
   */
  async sendBatch(
    messages: readonly SendMessageInput[],
    options: RequestOptions = {},
  ): Promise<BatchItemResult[]> {
    if (!Array.isArray(messages)) {
      throw new ValidationError('sendBatch expects an array of messages', { field: 'messages' });
    }
    const key = options.idempotencyKey ?? generateKey();
    const results: BatchItemResult[] = new Array(messages.length);
    const valid: PreparedItem[] = [];
    await Promise.all(
      messages.map(async (input, index) => {
        const clientReference = clientReferenceOf(input);
        try {
          const message = await this.#prepare(input, { path: ['messages', index] });
          valid.push({ index, message, clientReference });
        } catch (error) {
          if (!isMailPlatformError(error)) throw error;
          const field = error instanceof ValidationError ? { field: error.field } : {};
          results[index] = withReference({ index, error, ...field }, clientReference);
        }
      }),
    );
    valid.sort((a, b) => a.index - b.index);
    const chunks: PreparedItem[][] = [];
    for (let i = 0; i < valid.length; i += BATCH_CHUNK_SIZE)
      chunks.push(valid.slice(i, i + BATCH_CHUNK_SIZE));

    const failures: MailPlatformError[] = [];
    await runPool(chunks, BATCH_CONCURRENCY, async (chunk, chunkIndex) => {
      const idempotencyKey = `${key}:${chunkIndex}`;
      try {
        const response = await this.#context.requester.request<BatchSendResponse>({
          method: 'POST',
          path: '/messages/batch',
          body: { messages: chunk.map((item) => item.message), validation: 'partial' },
          kind: 'send',
          options: { ...options, idempotencyKey },
        });
        const replies = repliesOf(response);
        chunk.forEach((source, position) => {
          const result = toItemResult(source.index, replies.get(position), response);
          results[source.index] = withReference(result, source.clientReference);
        });
      } catch (error) {
        if (!isMailPlatformError(error)) throw error;
        failures.push(error);
        for (const source of chunk) {
          results[source.index] = withReference({ index: source.index, error }, source.clientReference);
        }
      }
    });
    if (chunks.length > 0 && failures.length === chunks.length) throw failures[0];
    return results;
  }

  get(id: string, options?: RequestOptions): Promise<Message> {
    return call<Message>(this.#context.requester, {
      method: 'GET',
      path: pathOf`/messages/${id}`,
      kind: 'read',
      options,
    });
  }

  /**
   * Search: `recipient`, `from`, `tag`, `stream`, `status`, `subject`, `metadata` (`metadata[key]=v`), `since`, `until`.
   * `await` it for the first page, or `for await` over it for every match, one page fetched at a time.
   *
   * @example
   * ```ts
   * for await (const message of mp.messages.list({ tag: 'order-confirmation', status: 'bounced', since: '2026-03-01' })) {
   *   console.log(message.id, message.to[0]?.email, message.metadata.orderId);
   * }
   * ```
   */
  list(query?: ListMessagesQuery, options?: RequestOptions): PagePromise<Message> {
    return listPages<Message>(this.#context.requester, '/messages', query, options);
  }

  /** The message's event timeline. */
  events(
    id: string,
    query?: { limit?: number; cursor?: string },
    options?: RequestOptions,
  ): PagePromise<MailEvent> {
    return listPages<MailEvent>(this.#context.requester, pathOf`/messages/${id}/events`, query, options);
  }

  /** The MIME exactly as sent (`message/rfc822`). */
  raw(id: string, options?: RequestOptions): Promise<string> {
    return call<string>(this.#context.requester, {
      method: 'GET',
      path: pathOf`/messages/${id}/raw`,
      kind: 'read',
      responseType: 'text',
      options,
    });
  }

  /** Cancels a scheduled message. */
  cancel(id: string, options?: RequestOptions): Promise<Message> {
    return call<Message>(this.#context.requester, {
      method: 'POST',
      path: pathOf`/messages/${id}/cancel`,
      kind: 'write',
      options,
    });
  }

  /**
   * Normalises the attachments (bytes, base64, `{ path }`) to the wire form, then validates what will
   * be sent; both throw before any request.
   */
  #prepare(
    input: SendMessageInput,
    options: ValidateSendMessageOptions,
  ): SendMessageRequest | Promise<SendMessageRequest> {
    const prepared = this.#context.platform.prepareMessage(input);
    if (prepared instanceof Promise) {
      return prepared.then((message) => {
        validateSendMessage(message, options);
        return message;
      });
    }
    validateSendMessage(prepared, options);
    return prepared;
  }
}

/** The chunk's replies by position; a body without a `results` array is an invalid response. */
function repliesOf(response: ApiResponse<BatchSendResponse>): Map<number, BatchResult> {
  const data: unknown = response.data;
  const results =
    typeof data === 'object' && data !== null ? (data as { results?: unknown }).results : undefined;
  if (!Array.isArray(results)) {
    throw invalidResponse(`POST /v1/messages/batch answered ${response.status} without results`, response);
  }
  const replies = new Map<number, BatchResult>();
  for (const reply of results as unknown[]) {
    if (typeof reply === 'object' && reply !== null) {
      const result = reply as BatchResult;
      replies.set(result.index, result);
    }
  }
  return replies;
}

/** One message's reply from a `partial` batch; a problem becomes the typed error its status would throw. */
function toItemResult(
  index: number,
  reply: BatchResult | undefined,
  response: ApiResponse<BatchSendResponse>,
): BatchItemResult {
  if (reply?.error !== undefined) {
    const problem = toInputIndex(reply.error, reply.index, index);
    const error = errorFromResponse({
      status: problem.status ?? 422,
      headers: NO_HEADERS,
      bodyText: JSON.stringify(problem),
      idempotencyKey: response.idempotencyKey,
    });
    const pointer = problem.errors?.find((e) => typeof e?.pointer === 'string')?.pointer;
    return { index, error, field: pointerToField(pointer ?? `/messages/${index}`) };
  }
  if (hasMessageId(reply) && reply.status !== undefined) {
    return { index, id: reply.id, status: reply.status, replayed: response.replayed };
  }
  const missing = reply === undefined ? 'no result' : 'no message id';
  const error = invalidResponse(
    `POST /v1/messages/batch answered ${response.status} with ${missing} for message ${index}`,
    response,
  );
  return { index, error };
}

/**
 * The platform points into the chunk it was sent (`/messages/146/template`); the caller knows only its
 * own array, where that message is `/messages/1150`. Rewrites the pointers and the detail text.
 */
function toInputIndex(problem: ProblemDetails, position: number, index: number): ProblemDetails {
  const chunkPath = new RegExp(`/messages/${position}(?![0-9])`, 'g');
  const inputPath = `/messages/${index}`;
  const rewrite = (text: string) => text.replace(chunkPath, inputPath);
  const rewritten: ProblemDetails = { ...problem };
  if (typeof problem.detail === 'string') rewritten.detail = rewrite(problem.detail);
  if (Array.isArray(problem.errors)) {
    rewritten.errors = problem.errors.map((e) =>
      typeof e === 'object' && e !== null && typeof e.pointer === 'string'
        ? {
            ...e,
            pointer: rewrite(e.pointer),
            ...(typeof e.message === 'string' ? { message: rewrite(e.message) } : {}),
          }
        : e,
    );
  }
  return rewritten;
}

/** `/messages/1150/template/data/orderNo` → `messages[1150].template.data.orderNo` (RFC 6901 unescaped). */
function pointerToField(pointer: string): string {
  const path = pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^(0|[1-9][0-9]*)$/.test(part) ? Number(part) : part));
  return toFieldPath(path);
}

function hasMessageId(value: unknown): value is { id: string } {
  if (typeof value !== 'object' || value === null) return false;
  const id = (value as { id?: unknown }).id;
  return typeof id === 'string' && id !== '';
}

/**
 * A 2xx that does not name the message: it may or may not have been accepted, so this is an error,
 * retryable with the same idempotency key (the platform replays it if it did accept the message).
 */
function invalidResponse(message: string, response: ApiResponse<unknown>): MailPlatformError {
  return new MailPlatformError(message, {
    code: 'invalid_response',
    status: response.status,
    requestId: response.requestId,
    idempotencyKey: response.idempotencyKey,
    attempts: response.attempts,
    retryable: true,
  });
}

const NO_HEADERS = { get: (): string | null => null };

function generateKey(): string {
  return `mpk_${crypto.randomUUID()}`;
}

function clientReferenceOf(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const value = (input as { clientReference?: unknown }).clientReference;
  return typeof value === 'string' ? value : undefined;
}

function withReference<T extends BatchItemResult>(item: T, clientReference: string | undefined): T {
  return clientReference === undefined ? item : { ...item, clientReference };
}

async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  worker: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      await worker(items[index]!, index);
    }
  });
  await Promise.all(lanes);
}
