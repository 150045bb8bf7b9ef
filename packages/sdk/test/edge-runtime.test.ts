import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EdgeRuntime } from 'edge-runtime';
import { build } from 'esbuild';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Proof that the default build runs on a Web-standard runtime: both entries are bundled without
// externals and evaluated in Vercel's Edge Runtime VM (no `process`, no `require`, Web APIs only),
// and the VM talks to a real HTTP server through its own `fetch`.

const srcFile = (name: string) => fileURLToPath(new URL(`../src/${name}`, import.meta.url));
const srcDir = fileURLToPath(new URL('../src/', import.meta.url));

const API_KEY = 'mp_test_edgeRuntime7c1d';
const WEBHOOK_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

interface SelfContainedBundle {
  code: string;
  /** Every source file of the bundle, relative to the working directory. */
  inputs: string[];
  /** What the bundle still imports at run time (must be nothing). */
  imports: string[];
}

/** Bundles an entry as a script that assigns its exports to `globalThis[globalName]`. */
async function bundle(entry: string, globalName: string): Promise<SelfContainedBundle> {
  const result = await build({
    entryPoints: [srcFile(entry)],
    bundle: true,
    write: false,
    metafile: true,
    format: 'iife',
    globalName,
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error(`esbuild produced no output for ${entry}`);
  return {
    code: output.text,
    inputs: Object.keys(result.metafile.inputs),
    imports: Object.values(result.metafile.outputs).flatMap((out) => out.imports.map((i) => i.path)),
  };
}

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

const received: Received[] = [];
let server: Server;
let baseUrl: string;
let runtime: EdgeRuntime;
let sdkBundle: SelfContainedBundle;
let webhooksBundle: SelfContainedBundle;

/** Runs `body` (an async function body, plain JS) in the VM; `args` is in scope; returns its JSON result. */
async function inVm<T>(body: string, args: Record<string, unknown> = {}): Promise<T> {
  const script = `(async () => {
    const args = ${JSON.stringify(args)};
    const result = await (async () => { ${body} })();
    return JSON.stringify(result);
  })()`;
  const json: unknown = await runtime.evaluate(script);
  if (typeof json !== 'string') throw new Error(`the VM returned ${typeof json}, not JSON`);
  return JSON.parse(json) as T;
}

beforeAll(async () => {
  server = createServer((request, response) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      text += chunk;
    });
    request.on('end', () => {
      const body: unknown = text === '' ? undefined : JSON.parse(text);
      received.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body,
      });
      const subject = (body as { subject?: unknown } | undefined)?.subject;
      // Never answered: the client's per-attempt timeout has to end the attempt.
      if (subject === 'Hænger') return;
      if (subject === 'Afvist') {
        response.writeHead(422, {
          'content-type': 'application/problem+json',
          'x-request-id': 'req_edge422',
        });
        response.end(
          JSON.stringify({
            title: 'Validation failed',
            status: 422,
            code: 'validation_failed',
            detail: '1 field failed validation',
            errors: [{ pointer: '/from', code: 'domain_not_verified', message: "'shop.dk' is not verified" }],
          }),
        );
        return;
      }
      response.writeHead(202, { 'content-type': 'application/json', 'x-request-id': 'req_edge202' });
      response.end(
        JSON.stringify({
          id: 'msg_01HEDGE',
          status: 'queued',
          stream: 'transactional',
          submittedAt: '2026-03-14T07:59:58.120Z',
          recipients: [{ email: 'kunde@example.dk', status: 'queued' }],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  [sdkBundle, webhooksBundle] = await Promise.all([
    bundle('index.ts', '__sdk'),
    bundle('webhooks/index.ts', '__webhooks'),
  ]);
  runtime = new EdgeRuntime();
  runtime.evaluate(sdkBundle.code);
  runtime.evaluate(webhooksBundle.code);
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

describe('the default build in the Edge Runtime VM', () => {
  it('bundles both entries self-contained: only SDK sources, nothing imported at run time', () => {
    for (const { inputs, imports } of [sdkBundle, webhooksBundle]) {
      expect(imports).toEqual([]);
      expect(inputs.length).toBeGreaterThan(0);
      expect(inputs.filter((file) => !resolve(file).startsWith(srcDir))).toEqual([]);
    }
    expect(sdkBundle.inputs.some((file) => file.endsWith('src/client.ts'))).toBe(true);
    expect(webhooksBundle.inputs.some((file) => file.endsWith('src/webhooks/verify.ts'))).toBe(true);
  });

  it('is a Web-standard VM: no process, no require, but fetch and Web Crypto', async () => {
    await expect(
      inVm<Record<string, string>>(
        `return {
          process: typeof process, require: typeof require, Buffer: typeof Buffer,
          fetch: typeof fetch, subtle: typeof crypto.subtle, edge: typeof EdgeRuntime,
          client: typeof __sdk.MailPlatform, verify: typeof __webhooks.verifyWebhook,
        };`,
      ),
    ).resolves.toEqual({
      process: 'undefined',
      require: 'undefined',
      Buffer: 'undefined',
      fetch: 'function',
      subtle: 'object',
      edge: 'string',
      client: 'function',
      verify: 'function',
    });
  });

  it("sends a message through the VM's own fetch to a real HTTP server", async () => {
    received.length = 0;
    const result = await inVm<Record<string, unknown>>(
      `const mp = new __sdk.MailPlatform({ apiKey: args.apiKey, baseUrl: args.baseUrl, fetch });
       return await mp.messages.send({
         from: 'Ordre <ordre@shop.dk>',
         to: ['kunde@example.dk'],
         subject: 'Ordrebekræftelse #1042',
         text: 'Tak for din ordre.',
       });`,
      { apiKey: API_KEY, baseUrl },
    );
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v1/messages');
    expect(request?.body).toEqual({
      from: 'Ordre <ordre@shop.dk>',
      to: ['kunde@example.dk'],
      subject: 'Ordrebekræftelse #1042',
      text: 'Tak for din ordre.',
    });
    expect(request?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    const key = request?.headers['idempotency-key'];
    expect(key).toMatch(/^mpk_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(result).toEqual({
      id: 'msg_01HEDGE',
      status: 'queued',
      stream: 'transactional',
      submittedAt: '2026-03-14T07:59:58.120Z',
      recipients: [{ email: 'kunde@example.dk', status: 'queued' }],
      idempotencyKey: key,
      replayed: false,
    });
  });

  it('turns a 422 into a typed error that isMailPlatformError recognises inside the VM', async () => {
    received.length = 0;
    const error = await inVm<Record<string, unknown>>(
      `const mp = new __sdk.MailPlatform({ apiKey: args.apiKey, baseUrl: args.baseUrl, fetch });
       try {
         await mp.messages.send(
           { from: 'ordre@shop.dk', to: ['kunde@example.dk'], subject: 'Afvist', text: 'Hej' },
           { idempotencyKey: 'order-1042:confirmation' },
         );
         return { thrown: false };
       } catch (e) {
         return {
           isMailPlatformError: __sdk.isMailPlatformError(e),
           isUnprocessable: e instanceof __sdk.UnprocessableEntityError,
           name: e.name, status: e.status, code: e.code, requestId: e.requestId,
           idempotencyKey: e.idempotencyKey, attempts: e.attempts, retryable: e.retryable,
           errors: e.errors, message: e.message,
         };
       }`,
      { apiKey: API_KEY, baseUrl },
    );
    expect(error).toEqual({
      isMailPlatformError: true,
      isUnprocessable: true,
      name: 'UnprocessableEntityError',
      status: 422,
      code: 'validation_failed',
      requestId: 'req_edge422',
      idempotencyKey: 'order-1042:confirmation',
      attempts: 1,
      retryable: false,
      errors: [{ pointer: '/from', code: 'domain_not_verified', message: "'shop.dk' is not verified" }],
      message: "422 validation_failed: 1 field failed validation — /from: 'shop.dk' is not verified",
    });
    expect(received.map((r) => r.headers['idempotency-key'])).toEqual(['order-1042:confirmation']);
  });

  // Web-standard runtimes have no setImmediate: the attempt timer must still fire there (http/after-io.ts).
  it('ends an unanswered attempt with a TimeoutError', async () => {
    received.length = 0;
    const error = await inVm<Record<string, unknown>>(
      `const mp = new __sdk.MailPlatform({ apiKey: args.apiKey, baseUrl: args.baseUrl, fetch, timeout: 100, maxRetries: 0 });
       try {
         await mp.messages.send({ from: 'ordre@shop.dk', to: ['kunde@example.dk'], subject: 'Hænger', text: 'Hej' });
         return { thrown: false };
       } catch (e) {
         return { isTimeout: e instanceof __sdk.TimeoutError, code: e.code, attempts: e.attempts, retryable: e.retryable };
       }`,
      { apiKey: API_KEY, baseUrl },
    );
    expect(error).toEqual({ isTimeout: true, code: 'timeout', attempts: 1, retryable: true });
    expect(received).toHaveLength(1);
  });

  it("rejects via: 'smtp' with UnsupportedRuntimeError before any request", async () => {
    received.length = 0;
    const error = await inVm<Record<string, unknown>>(
      `const mp = new __sdk.MailPlatform({ apiKey: args.apiKey, baseUrl: args.baseUrl, fetch });
       try {
         await mp.messages.send(
           { from: 'ordre@shop.dk', to: ['kunde@example.dk'], subject: 'Hej', text: 'Hej' },
           { via: 'smtp' },
         );
         return { thrown: false };
       } catch (e) {
         return {
           isUnsupported: e instanceof __sdk.UnsupportedRuntimeError,
           isMailPlatformError: __sdk.isMailPlatformError(e),
           code: e.code, message: e.message,
         };
       }`,
      { apiKey: API_KEY, baseUrl },
    );
    expect(error).toEqual({
      isUnsupported: true,
      isMailPlatformError: true,
      code: 'unsupported_runtime',
      message:
        "via: 'smtp' needs Node (the SMTP relay is reached over TCP); this runtime can only use the HTTP API",
    });
    expect(received).toEqual([]);
  });

  it('signs and verifies a webhook with Web Crypto inside the VM (both entries)', async () => {
    const payload = JSON.stringify({
      id: 'evt_01HEDGE',
      type: 'message.delivered',
      timestamp: '2026-03-14T08:00:03.000Z',
      data: { messageId: 'msg_01HEDGE', recipient: 'kunde@example.dk' },
    });
    const outcome = await inVm<{
      headers: Record<string, string>;
      viaMain: { id: string; type: string };
      viaWebhooks: { id: string; type: string };
      tampered: Record<string, unknown>;
      handled: { status: number; seen: string[] };
    }>(
      `const headers = await __sdk.signWebhook({ payload: args.payload, secret: args.secret, id: 'evt_01HEDGE' });
       const viaMain = await __sdk.verifyWebhook({ payload: args.payload, headers, secret: args.secret });
       const viaWebhooks = await __webhooks.verifyWebhook({
         payload: new TextEncoder().encode(args.payload), headers: new Headers(headers), secret: args.secret,
       });
       let tampered;
       try {
         await __webhooks.verifyWebhook({ payload: args.payload.replace('kunde@', 'angriber@'), headers, secret: args.secret });
         tampered = { thrown: false };
       } catch (e) {
         tampered = {
           name: e.name,
           // The error comes from the webhooks bundle, the check from the main one: the brand crosses copies.
           isMailPlatformError: __sdk.isMailPlatformError(e),
           reason: e.reason,
         };
       }
       const seen = [];
       const response = await __webhooks.handleWebhookRequest(
         new Request('https://shop.dk/webhooks/mailplatform', { method: 'POST', headers, body: args.payload }),
         { secret: args.secret, dedupe: false, on: { 'message.delivered': (event) => { seen.push(event.id); } } },
       );
       return {
         headers,
         viaMain: { id: viaMain.id, type: viaMain.type },
         viaWebhooks: { id: viaWebhooks.id, type: viaWebhooks.type },
         tampered,
         handled: { status: response.status, seen },
       };`,
      { payload, secret: WEBHOOK_SECRET },
    );
    // The VM's signature is checked by the reference implementation outside the VM.
    expect(new Webhook(WEBHOOK_SECRET).verify(payload, outcome.headers)).toMatchObject({ id: 'evt_01HEDGE' });
    expect(outcome.headers['webhook-id']).toBe('evt_01HEDGE');
    expect(outcome.viaMain).toEqual({ id: 'evt_01HEDGE', type: 'message.delivered' });
    expect(outcome.viaWebhooks).toEqual({ id: 'evt_01HEDGE', type: 'message.delivered' });
    expect(outcome.tampered).toEqual({
      name: 'WebhookVerificationError',
      isMailPlatformError: true,
      reason: 'no_matching_signature',
    });
    expect(outcome.handled).toEqual({ status: 200, seen: ['evt_01HEDGE'] });
  });
});
