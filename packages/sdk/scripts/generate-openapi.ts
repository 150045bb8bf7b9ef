/**
 * Builds the OpenAPI 3.1 document of the platform contract from the zod schemas and writes
 * docs/openapi.json. `--check` compares instead of writing and exits 1 when the file is stale.
 *
 *   node --conditions=source --import tsx packages/sdk/scripts/generate-openapi.ts [--check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { EVENT_SCHEMAS, EVENT_TYPES, PROBLEM_CODES, problemTypeUrl } from '../src/schemas/index.js';
import { json, media, NO_CONTENT, type Operation, operation, page } from './operation.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const REF_PREFIX = '#/components/schemas/';
const ref = (id: string): JsonObject => ({ $ref: `${REF_PREFIX}${id}` });

const ID = (name: string, description: string) => ({ name, description });
const PATH_PARAMS: Record<string, { name: string; description: string }> = {
  '{id}': ID('id', 'Resource id.'),
  '{idOrAlias}': ID('idOrAlias', 'Template id (tmpl_...) or alias.'),
  '{email}': ID('email', 'The suppressed address (URL-encoded).'),
  '{did}': ID('did', 'Delivery id (whd_...).'),
  '{messageId}': ID('messageId', 'Message id (msg_...).'),
};

const COMMON_ERRORS = [400, 401, 403, 429, 500, 503];

const onMessages = operation('Messages');
const onEvents = operation('Events');
const onTemplates = operation('Templates');
const onStats = operation('Stats');
const onBounces = operation('Bounces');
const onSuppressions = operation('Suppressions');
const onExports = operation('Exports');
const onWebhooks = operation('Webhooks');
const onAccount = operation('Account');
const onSandbox = operation('Sandbox');

const OPERATIONS: Operation[] = [
  onMessages(
    'post /v1/messages',
    'sendMessage',
    'Send one message (raw content or a template)',
    json('SendMessageResponse', 202),
    { request: 'SendMessageRequest', idempotent: true, errors: [409, 413, 415, 422] },
  ),
  onMessages('get /v1/messages', 'listMessages', 'Search messages', page('Message'), {
    query: 'ListMessagesQuery',
  }),
  onMessages('post /v1/messages/batch', 'sendBatch', 'Send up to 500 messages', json('BatchSendResponse'), {
    request: 'BatchSendRequest',
    idempotent: true,
    errors: [409, 413, 415, 422],
  }),
  onMessages('get /v1/messages/{id}', 'getMessage', 'A message with per-recipient status', json('Message'), {
    errors: [404],
  }),
  onMessages('get /v1/messages/{id}/events', 'listMessageEvents', 'Timeline of a message', page('Event'), {
    query: 'ListEventsQuery',
    errors: [404],
  }),
  onMessages(
    'get /v1/messages/{id}/raw',
    'getMessageRaw',
    'The MIME message exactly as sent',
    media('message/rfc822', 'The MIME source.'),
    { errors: [404] },
  ),
  onMessages(
    'post /v1/messages/{id}/cancel',
    'cancelMessage',
    'Cancel a scheduled message',
    json('Message'),
    { errors: [404, 409] },
  ),
  onEvents('get /v1/events', 'listEvents', 'The append-only event log', page('Event'), {
    query: 'ListEventsQuery',
  }),
  onEvents(
    'get /v1/events/stream',
    'streamEvents',
    'Server-Sent Events of the event log (resume with Last-Event-ID)',
    media(
      'text/event-stream',
      'One SSE message per event: `id` is the event id, `event` its type, `data` the Event JSON.',
    ),
    { query: 'EventStreamQuery' },
  ),
  onTemplates('get /v1/templates', 'listTemplates', 'List templates', page('Template'), {
    query: 'ListTemplatesQuery',
  }),
  onTemplates('post /v1/templates', 'createTemplate', 'Create a template', json('Template', 201), {
    request: 'CreateTemplateRequest',
    idempotent: true,
    errors: [409, 422],
  }),
  onTemplates(
    'get /v1/templates/{idOrAlias}',
    'getTemplate',
    'Get a template (latest version)',
    json('Template'),
    { errors: [404] },
  ),
  onTemplates(
    'patch /v1/templates/{idOrAlias}',
    'updateTemplate',
    'Update a template (creates a new version)',
    json('Template'),
    { request: 'UpdateTemplateRequest', errors: [404, 409, 422] },
  ),
  onTemplates('delete /v1/templates/{idOrAlias}', 'deleteTemplate', 'Delete a template', NO_CONTENT, {
    errors: [404],
  }),
  onTemplates(
    'post /v1/templates/{idOrAlias}/render',
    'renderTemplate',
    'Render a template with data (preview and validation)',
    json('RenderTemplateResponse'),
    { request: 'RenderTemplateRequest', errors: [404, 422] },
  ),
  onStats(
    'get /v1/stats',
    'getStats',
    'Counts and rates as a time series or a breakdown',
    json('StatsResponse'),
    { query: 'StatsQuery' },
  ),
  onBounces('get /v1/bounces', 'listBounces', 'Bounce records with their classification', page('Bounce'), {
    query: 'ListBouncesQuery',
  }),
  onSuppressions(
    'get /v1/suppressions',
    'listSuppressions',
    'List suppressed addresses',
    page('Suppression'),
    { query: 'ListSuppressionsQuery' },
  ),
  onSuppressions(
    'post /v1/suppressions',
    'addSuppressions',
    'Suppress up to 1,000 addresses',
    json('AddSuppressionsResponse'),
    { request: 'AddSuppressionsRequest', idempotent: true, errors: [409, 422] },
  ),
  onSuppressions(
    'get /v1/suppressions/{email}',
    'getSuppression',
    'Check one address (404 when not suppressed)',
    json('Suppression'),
    { query: 'SuppressionEntryQuery', errors: [404] },
  ),
  onSuppressions(
    'delete /v1/suppressions/{email}',
    'removeSuppression',
    'Reactivate an address (spam_complaint needs force=true)',
    NO_CONTENT,
    { query: 'SuppressionEntryQuery', errors: [404, 409] },
  ),
  onExports('post /v1/exports', 'createExport', 'Start a CSV or NDJSON export', json('Export', 202), {
    request: 'CreateExportRequest',
    idempotent: true,
    errors: [409, 422],
  }),
  onExports('get /v1/exports/{id}', 'getExport', 'Export status', json('Export'), { errors: [404] }),
  onExports(
    'get /v1/exports/{id}/download',
    'downloadExport',
    'Download a completed export',
    media('text/csv', 'The file (text/csv with a BOM, or application/x-ndjson).'),
    { errors: [404, 409] },
  ),
  onWebhooks('get /v1/webhooks', 'listWebhookEndpoints', 'List webhook endpoints', page('WebhookEndpoint'), {
    query: 'ListQueryBase',
  }),
  onWebhooks(
    'post /v1/webhooks',
    'createWebhookEndpoint',
    'Create a webhook endpoint (returns the secret once)',
    json('WebhookEndpointWithSecret', 201),
    { request: 'CreateWebhookEndpointRequest', idempotent: true, errors: [409, 422] },
  ),
  onWebhooks(
    'get /v1/webhooks/{id}',
    'getWebhookEndpoint',
    'Get a webhook endpoint',
    json('WebhookEndpoint'),
    { errors: [404] },
  ),
  onWebhooks(
    'patch /v1/webhooks/{id}',
    'updateWebhookEndpoint',
    'Update a webhook endpoint',
    json('WebhookEndpoint'),
    { request: 'UpdateWebhookEndpointRequest', errors: [404, 422] },
  ),
  onWebhooks('delete /v1/webhooks/{id}', 'deleteWebhookEndpoint', 'Delete a webhook endpoint', NO_CONTENT, {
    errors: [404],
  }),
  onWebhooks(
    'post /v1/webhooks/{id}/rotate-secret',
    'rotateWebhookSecret',
    'Rotate the signing secret',
    json('WebhookEndpointWithSecret'),
    { errors: [404] },
  ),
  onWebhooks(
    'post /v1/webhooks/{id}/test',
    'testWebhookEndpoint',
    'Send a test event',
    json('WebhookDelivery', 202),
    { request: 'TestWebhookRequest', errors: [404, 422] },
  ),
  onWebhooks(
    'get /v1/webhooks/{id}/deliveries',
    'listWebhookDeliveries',
    'Delivery log of an endpoint',
    page('WebhookDelivery'),
    { query: 'ListWebhookDeliveriesQuery', errors: [404] },
  ),
  onWebhooks(
    'post /v1/webhooks/{id}/deliveries/{did}/retry',
    'retryWebhookDelivery',
    'Replay a delivery',
    json('WebhookDelivery', 202),
    { errors: [404] },
  ),
  onAccount('get /v1/me', 'getAccount', 'The API key: prefix, mode, namespace and scopes', json('Account')),
  onSandbox(
    'post /sandbox/v1/reset',
    'sandboxReset',
    "Clear the caller's namespace (all=true: everything)",
    NO_CONTENT,
    { query: 'ResetQuery' },
  ),
  onSandbox(
    'get /sandbox/v1/inbox',
    'sandboxInbox',
    'Captured messages; wait= blocks until one matches',
    page('InboxMessageSummary'),
    { query: 'InboxQuery' },
  ),
  onSandbox(
    'get /sandbox/v1/inbox/{messageId}',
    'sandboxInboxMessage',
    'A captured message with headers, parts, links and attachments',
    json('InboxMessage'),
    { errors: [404] },
  ),
  onSandbox(
    'get /sandbox/v1/inbox/{messageId}/raw',
    'sandboxInboxMessageRaw',
    'The captured MIME message',
    media('message/rfc822', 'The MIME source.'),
    { errors: [404] },
  ),
  onSandbox(
    'post /sandbox/v1/messages/{id}/simulate',
    'sandboxSimulate',
    'Simulate an event for a recipient',
    json('SimulateResponse', 202),
    { request: 'SimulateRequest', errors: [404, 422] },
  ),
  onSandbox('get /sandbox/v1/chaos', 'sandboxGetChaos', 'Current failure injection', json('Chaos')),
  onSandbox('put /sandbox/v1/chaos', 'sandboxSetChaos', 'Set probabilistic failures', json('Chaos'), {
    request: 'Chaos',
    errors: [422],
  }),
  onSandbox(
    'post /sandbox/v1/chaos/next',
    'sandboxChaosNext',
    'Fail the next operations deterministically',
    NO_CONTENT,
    { request: 'ChaosNext', errors: [422] },
  ),
  onSandbox(
    'get /sandbox/v1/webhook-deliveries',
    'sandboxWebhookDeliveries',
    'Webhook deliveries with request and response bodies',
    page('SandboxWebhookDelivery'),
    { query: 'ListWebhookDeliveriesQuery' },
  ),
  onSandbox(
    'post /sandbox/v1/webhook-deliveries/{id}/replay',
    'sandboxReplayWebhookDelivery',
    'Replay a webhook delivery',
    json('SandboxWebhookDelivery', 202),
    { errors: [404] },
  ),
  onSandbox('get /sandbox/v1/clock', 'sandboxGetClock', 'The virtual clock', json('Clock')),
  onSandbox(
    'post /sandbox/v1/clock',
    'sandboxSetClock',
    'Advance, freeze or set the virtual clock',
    json('Clock'),
    { request: 'ClockRequest', errors: [422] },
  ),
  onSandbox('get /sandbox/v1/healthz', 'sandboxHealth', 'Liveness', json('Health')),
];

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad request (malformed_json, invalid_query, cursor_mismatch, idempotency_key_invalid)',
  401: 'Missing or invalid API key (unauthenticated)',
  403: 'Forbidden (forbidden, insufficient_scope, test_key_required)',
  404: 'Not found',
  409: 'Conflict (conflict, idempotency_request_in_progress with Retry-After)',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Validation failed (validation_failed, sender_not_verified, template_render_failed, control_header_in_api, idempotency_key_reused)',
  429: 'Rate limited (rate_limited, quota_exceeded; violatedPolicies, Retry-After)',
  500: 'Internal error',
  503: 'Unavailable (Retry-After)',
};

function schemaDefs(io: 'input' | 'output'): Record<string, JsonObject> {
  const { schemas } = z.toJSONSchema(z.globalRegistry, {
    io,
    target: 'draft-2020-12',
    unrepresentable: 'any',
    uri: (id) => `${REF_PREFIX}${id}`,
  });
  const out: Record<string, JsonObject> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema: _schema, $id: _id, ...rest } = schema as JsonObject;
    out[id] = simplify(rest, io) as JsonObject;
  }
  return out;
}

/**
 * Removes noise zod adds: the regexes of `date`/`date-time` strings (the format says it), the safe-integer
 * bounds of integers, and, in responses, `additionalProperties: false` (clients must ignore new fields).
 */
function simplify(value: Json, io: 'input' | 'output'): Json {
  if (Array.isArray(value)) return value.map((item) => simplify(item, io));
  if (value === null || typeof value !== 'object') return value;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === 'pattern' && (value.format === 'date' || value.format === 'date-time')) continue;
    if ((key === 'maximum' || key === 'minimum') && Math.abs(Number(item)) === Number.MAX_SAFE_INTEGER)
      continue;
    if (key === 'additionalProperties' && item === false && io === 'output') continue;
    out[key] = simplify(item, io);
  }
  return out;
}

function collectRefs(value: Json, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectRefs(item, into);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string' && item.startsWith(REF_PREFIX))
        into.add(item.slice(REF_PREFIX.length));
      else collectRefs(item, into);
    }
  }
}

function closure(roots: Iterable<string>, defs: Record<string, JsonObject>): Set<string> {
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (seen.has(id)) continue;
    if (!defs[id]) throw new Error(`No schema with id ${id}`);
    seen.add(id);
    const refs = new Set<string>();
    collectRefs(defs[id], refs);
    queue.push(...refs);
  }
  return seen;
}

function renameRefs(value: Json, rename: Map<string, string>): Json {
  if (Array.isArray(value)) return value.map((item) => renameRefs(item, rename));
  if (value === null || typeof value !== 'object') return value;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === '$ref' && typeof item === 'string' && item.startsWith(REF_PREFIX)) {
      const id = item.slice(REF_PREFIX.length);
      out[key] = `${REF_PREFIX}${rename.get(id) ?? id}`;
    } else {
      out[key] = renameRefs(item, rename);
    }
  }
  return out;
}

const sortKeys = (record: Record<string, Json>): JsonObject =>
  Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, record[key]!]),
  );

function eventSchemaId(type: (typeof EVENT_TYPES)[number]): string {
  const id = z.globalRegistry.get(EVENT_SCHEMAS[type])?.id;
  if (id === undefined) throw new Error(`The schema of ${type} has no id`);
  return id;
}

function queryParameters(query: JsonObject): Json[] {
  const properties = (query.properties ?? {}) as JsonObject;
  const required = new Set((query.required ?? []) as string[]);
  return Object.entries(properties).map(([name, schema]) => {
    const { description, ...rest } = schema as JsonObject;
    const parameter: JsonObject = { name, in: 'query', required: required.has(name), schema: rest };
    if (typeof description === 'string') parameter.description = description;
    if (rest.type === 'object' || rest.$ref === `${REF_PREFIX}Metadata`) parameter.style = 'deepObject';
    if (Array.isArray(rest.anyOf) || rest.type === 'array') parameter.explode = true;
    return parameter;
  });
}

function pageComponent(item: string): JsonObject {
  return {
    type: 'object',
    description: `A page of ${item} (cursor pagination).`,
    properties: {
      data: { type: 'array', items: ref(item) },
      hasMore: { type: 'boolean' },
      nextCursor: {
        type: ['string', 'null'],
        description: 'Pass as cursor for the next page; null on the last page.',
      },
    },
    required: ['data', 'hasMore', 'nextCursor'],
    additionalProperties: false,
  };
}

/** The OpenAPI 3.1 document of the contract (platform-contract.md §4, decisions.md extras, sandbox control API). */
export function buildOpenApiDocument(): JsonObject {
  const input = schemaDefs('input');
  const output = schemaDefs('output');

  const pages = new Set<string>();
  const inputRoots = new Set<string>();
  const outputRoots = new Set<string>(EVENT_TYPES.map(eventSchemaId));
  outputRoots.add('Problem');
  const queryRefs = new Set<string>();
  for (const operation of OPERATIONS) {
    if (operation.request) inputRoots.add(operation.request);
    if (operation.query) collectRefs(input[operation.query]!, queryRefs);
    for (const body of Object.values(operation.responses)) {
      if (body && 'schema' in body) outputRoots.add(body.schema);
      if (body && 'page' in body) {
        pages.add(body.page);
        outputRoots.add(body.page);
      }
    }
  }
  for (const id of queryRefs) inputRoots.add(id);
  const inputUsed = closure(inputRoots, input);
  const outputUsed = closure(outputRoots, output);

  // A schema used on both sides whose input form differs (defaults, shorthand) gets an `…Input` twin.
  const rename = new Map<string, string>();
  for (const id of inputUsed) {
    if (outputUsed.has(id) && JSON.stringify(input[id]) !== JSON.stringify(output[id]))
      rename.set(id, `${id}Input`);
  }
  const schemas: Record<string, Json> = {};
  for (const id of outputUsed) schemas[id] = output[id]!;
  for (const id of inputUsed) schemas[rename.get(id) ?? id] = renameRefs(input[id]!, rename);
  for (const item of pages) schemas[`${item}Page`] = pageComponent(item);

  const paths: Record<string, Record<string, Json>> = {};
  for (const operation of OPERATIONS) {
    const parameters: Json[] = [];
    for (const [placeholder, parameter] of Object.entries(PATH_PARAMS)) {
      if (operation.path.includes(placeholder)) {
        parameters.push({
          name: parameter.name,
          in: 'path',
          required: true,
          description: parameter.description,
          schema: { type: 'string' },
        });
      }
    }
    if (operation.query)
      parameters.push(...(renameRefs(queryParameters(input[operation.query]!), rename) as Json[]));
    if (operation.idempotent) parameters.push({ $ref: '#/components/parameters/IdempotencyKey' });
    if (operation.path === '/v1/events/stream')
      parameters.push({ $ref: '#/components/parameters/LastEventId' });

    const responses: Record<string, Json> = {};
    for (const [status, body] of Object.entries(operation.responses)) {
      const headers: JsonObject = { 'X-Request-Id': { $ref: '#/components/headers/XRequestId' } };
      if (operation.path.startsWith('/v1/')) {
        headers.RateLimit = { $ref: '#/components/headers/RateLimit' };
        headers['RateLimit-Policy'] = { $ref: '#/components/headers/RateLimitPolicy' };
      }
      if (operation.idempotent)
        headers['Idempotent-Replayed'] = { $ref: '#/components/headers/IdempotentReplayed' };
      const response: JsonObject = {
        description: body && 'description' in body ? body.description : 'Success',
        headers,
      };
      if (body && 'schema' in body) response.content = { 'application/json': { schema: ref(body.schema) } };
      if (body && 'page' in body)
        response.content = { 'application/json': { schema: ref(`${body.page}Page`) } };
      if (body && 'media' in body) response.content = { [body.media]: { schema: { type: 'string' } } };
      if (body === null) response.description = 'No content';
      responses[status] = response;
    }
    for (const status of [...new Set([...COMMON_ERRORS, ...(operation.errors ?? [])])].sort()) {
      responses[String(status)] = { $ref: `#/components/responses/Problem${status}` };
    }

    const entry: JsonObject = {
      operationId: operation.operationId,
      summary: operation.summary,
      tags: [operation.tag],
      responses,
    };
    if (parameters.length > 0) entry.parameters = parameters;
    if (operation.request) {
      const id = rename.get(operation.request) ?? operation.request;
      entry.requestBody = { required: true, content: { 'application/json': { schema: ref(id) } } };
    }
    if (operation.path.startsWith('/sandbox/'))
      entry.description = 'Sandbox control API: test keys only (403 test_key_required otherwise).';
    paths[operation.path] ??= {};
    paths[operation.path]![operation.method] = entry;
  }

  const problemResponses: Record<string, Json> = {};
  for (const status of Object.keys(STATUS_TEXT).map(Number)) {
    const headers: JsonObject = { 'X-Request-Id': { $ref: '#/components/headers/XRequestId' } };
    if (status === 429 || status === 503 || status === 409)
      headers['Retry-After'] = { $ref: '#/components/headers/RetryAfter' };
    const codes = Object.entries(PROBLEM_CODES)
      .filter(([, value]) => value.status === status)
      .map(([code]) => code);
    problemResponses[`Problem${status}`] = {
      description: STATUS_TEXT[status]!,
      headers,
      content: {
        'application/problem+json': {
          schema: ref('Problem'),
          ...(codes.length > 0
            ? {
                example: {
                  type: problemTypeUrl(codes[0]!),
                  title: PROBLEM_CODES[codes[0] as keyof typeof PROBLEM_CODES].title,
                  status,
                  code: codes[0]!,
                  requestId: 'req_01JPA7Q3W8C2M9Y4V7T1H5K0ZD',
                },
              }
            : {}),
        },
      },
    };
  }

  const webhooks: Record<string, Json> = {};
  for (const type of EVENT_TYPES) {
    webhooks[type] = {
      post: {
        operationId: `webhook_${type.replace(/\./g, '_')}`,
        summary: `${type} event`,
        description:
          'Delivered with Standard Webhooks signatures; one event per request; webhook-id is the event id.',
        tags: ['Webhook events'],
        parameters: [
          { $ref: '#/components/parameters/WebhookId' },
          { $ref: '#/components/parameters/WebhookTimestamp' },
          { $ref: '#/components/parameters/WebhookSignature' },
        ],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: ref(eventSchemaId(type)) } },
        },
        responses: {
          '2XX': {
            description:
              'Received. Any 2xx is success; 410 disables the endpoint; other statuses are retried.',
          },
        },
      },
    };
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'mailplatform API',
      version: 'v1',
      description:
        'The transactional mail platform contract. Generated from the zod schemas of @mailplatform/sdk; do not edit by hand (npm run openapi).',
    },
    servers: [
      { url: 'https://api.mailplatform.dk', description: 'Production' },
      { url: 'http://127.0.0.1:4400', description: 'Local sandbox (mailplatform dev)' },
    ],
    security: [{ bearerAuth: [] }],
    tags: [...new Set(OPERATIONS.map((operation) => operation.tag)), 'Webhook events'].map((name) => ({
      name,
    })),
    paths: sortKeys(paths),
    webhooks: sortKeys(webhooks),
    components: {
      schemas: sortKeys(schemas),
      responses: sortKeys(problemResponses),
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            '1–255 printable ASCII characters. Same key + same body replays the stored answer (Idempotent-Replayed: true); a different body is 422 idempotency_key_reused. Kept 72 h.',
          schema: {
            type: 'string',
            minLength: 1,
            maxLength: 255,
            pattern: '^[\\x21-\\x7e]([\\x20-\\x7e]*[\\x21-\\x7e])?$',
          },
        },
        LastEventId: {
          name: 'Last-Event-ID',
          in: 'header',
          required: false,
          description: 'Resume after this event id.',
          schema: { type: 'string' },
        },
        WebhookId: {
          name: 'webhook-id',
          in: 'header',
          required: true,
          description: 'The event id; the same on every retry.',
          schema: { type: 'string' },
        },
        WebhookTimestamp: {
          name: 'webhook-timestamp',
          in: 'header',
          required: true,
          description: 'Unix seconds of this attempt.',
          schema: { type: 'string', pattern: '^[0-9]+$' },
        },
        WebhookSignature: {
          name: 'webhook-signature',
          in: 'header',
          required: true,
          description: 'Space-separated v1,<base64 HMAC-SHA256 of id.timestamp.body>.',
          schema: { type: 'string' },
        },
      },
      headers: {
        XRequestId: { description: 'Request id (req_...).', schema: { type: 'string' } },
        RateLimit: {
          description:
            'Remaining quota per policy (IETF RateLimit fields draft -08): "send";r=47;t=1, "api";r=590;t=37.',
          schema: { type: 'string' },
        },
        RateLimitPolicy: {
          description: 'Quota policies: "send";q=50;w=1, "api";q=600;w=60.',
          schema: { type: 'string' },
        },
        RetryAfter: { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } },
        IdempotentReplayed: {
          description: 'true when the answer was replayed from the idempotency store.',
          schema: { type: 'string', enum: ['true'] },
        },
      },
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key: mp_live_... or mp_test_... (scopes send, read, admin).',
        },
      },
    },
  };
}

/** The document as written to docs/openapi.json: 2-space JSON with a trailing newline. */
export function renderOpenApiDocument(): string {
  return `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
}

export const OPENAPI_PATH = fileURLToPath(new URL('../../../docs/openapi.json', import.meta.url));

function main(argv: string[]): number {
  const text = renderOpenApiDocument();
  if (argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(OPENAPI_PATH, 'utf8');
    } catch {
      process.stderr.write(`docs/openapi.json is missing. Run: npm run openapi\n`);
      return 1;
    }
    if (current !== text) {
      process.stderr.write('docs/openapi.json is out of date with the zod schemas. Run: npm run openapi\n');
      return 1;
    }
    process.stdout.write('docs/openapi.json is up to date.\n');
    return 0;
  }
  writeFileSync(OPENAPI_PATH, text);
  process.stdout.write(
    `Wrote docs/openapi.json (${Object.keys(buildOpenApiDocument().paths as JsonObject).length} paths).\n`,
  );
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
