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

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const REF_PREFIX = '#/components/schemas/';
const ref = (id: string): JsonObject => ({ $ref: `${REF_PREFIX}${id}` });

type Body = { schema: string } | { page: string } | { media: string; description: string };

interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  query?: string;
  request?: string;
  /** Success status → body (`null`: no body). */
  responses: Record<string, Body | null>;
  idempotent?: boolean;
  errors?: number[];
}

const ID = (name: string, description: string) => ({ name, description });
const PATH_PARAMS: Record<string, { name: string; description: string }> = {
  '{id}': ID('id', 'Resource id.'),
  '{idOrAlias}': ID('idOrAlias', 'Template id (tmpl_...) or alias.'),
  '{email}': ID('email', 'The suppressed address (URL-encoded).'),
  '{did}': ID('did', 'Delivery id (whd_...).'),
  '{messageId}': ID('messageId', 'Message id (msg_...).'),
};

const COMMON_ERRORS = [400, 401, 403, 429, 500, 503];

const OPERATIONS: Operation[] = [
  {
    method: 'post',
    path: '/v1/messages',
    operationId: 'sendMessage',
    summary: 'Send one message (raw content or a template)',
    tag: 'Messages',
    request: 'SendMessageRequest',
    responses: { 202: { schema: 'SendMessageResponse' } },
    idempotent: true,
    errors: [409, 413, 415, 422],
  },
  {
    method: 'get',
    path: '/v1/messages',
    operationId: 'listMessages',
    summary: 'Search messages',
    tag: 'Messages',
    query: 'ListMessagesQuery',
    responses: { 200: { page: 'Message' } },
  },
  {
    method: 'post',
    path: '/v1/messages/batch',
    operationId: 'sendBatch',
    summary: 'Send up to 500 messages',
    tag: 'Messages',
    request: 'BatchSendRequest',
    responses: { 200: { schema: 'BatchSendResponse' } },
    idempotent: true,
    errors: [409, 413, 415, 422],
  },
  {
    method: 'get',
    path: '/v1/messages/{id}',
    operationId: 'getMessage',
    summary: 'A message with per-recipient status',
    tag: 'Messages',
    responses: { 200: { schema: 'Message' } },
    errors: [404],
  },
  {
    method: 'get',
    path: '/v1/messages/{id}/events',
    operationId: 'listMessageEvents',
    summary: 'Timeline of a message',
    tag: 'Messages',
    query: 'ListEventsQuery',
    responses: { 200: { page: 'Event' } },
    errors: [404],
  },
  {
    method: 'get',
    path: '/v1/messages/{id}/raw',
    operationId: 'getMessageRaw',
    summary: 'The MIME message exactly as sent',
    tag: 'Messages',
    responses: { 200: { media: 'message/rfc822', description: 'The MIME source.' } },
    errors: [404],
  },
  {
    method: 'post',
    path: '/v1/messages/{id}/cancel',
    operationId: 'cancelMessage',
    summary: 'Cancel a scheduled message',
    tag: 'Messages',
    responses: { 200: { schema: 'Message' } },
    errors: [404, 409],
  },
  {
    method: 'get',
    path: '/v1/events',
    operationId: 'listEvents',
    summary: 'The append-only event log',
    tag: 'Events',
    query: 'ListEventsQuery',
    responses: { 200: { page: 'Event' } },
  },
  {
    method: 'get',
    path: '/v1/events/stream',
    operationId: 'streamEvents',
    summary: 'Server-Sent Events of the event log (resume with Last-Event-ID)',
    tag: 'Events',
    query: 'EventStreamQuery',
    responses: {
      200: {
        media: 'text/event-stream',
        description:
          'One SSE message per event: `id` is the event id, `event` its type, `data` the Event JSON.',
      },
    },
  },
  {
    method: 'get',
    path: '/v1/templates',
    operationId: 'listTemplates',
    summary: 'List templates',
    tag: 'Templates',
    query: 'ListTemplatesQuery',
    responses: { 200: { page: 'Template' } },
  },
  {
    method: 'post',
    path: '/v1/templates',
    operationId: 'createTemplate',
    summary: 'Create a template',
    tag: 'Templates',
    request: 'CreateTemplateRequest',
    responses: { 201: { schema: 'Template' } },
    idempotent: true,
    errors: [409, 422],
  },
  {
    method: 'get',
    path: '/v1/templates/{idOrAlias}',
    operationId: 'getTemplate',
    summary: 'Get a template (latest version)',
    tag: 'Templates',
    responses: { 200: { schema: 'Template' } },
    errors: [404],
  },
  {
    method: 'patch',
    path: '/v1/templates/{idOrAlias}',
    operationId: 'updateTemplate',
    summary: 'Update a template (creates a new version)',
    tag: 'Templates',
    request: 'UpdateTemplateRequest',
    responses: { 200: { schema: 'Template' } },
    errors: [404, 409, 422],
  },
  {
    method: 'delete',
    path: '/v1/templates/{idOrAlias}',
    operationId: 'deleteTemplate',
    summary: 'Delete a template',
    tag: 'Templates',
    responses: { 204: null },
    errors: [404],
  },
  {
    method: 'post',
    path: '/v1/templates/{idOrAlias}/render',
    operationId: 'renderTemplate',
    summary: 'Render a template with data (preview and validation)',
    tag: 'Templates',
    request: 'RenderTemplateRequest',
    responses: { 200: { schema: 'RenderTemplateResponse' } },
    errors: [404, 422],
  },
  {
    method: 'get',
    path: '/v1/stats',
    operationId: 'getStats',
    summary: 'Counts and rates as a time series or a breakdown',
    tag: 'Stats',
    query: 'StatsQuery',
    responses: { 200: { schema: 'StatsResponse' } },
  },
  {
    method: 'get',
    path: '/v1/bounces',
    operationId: 'listBounces',
    summary: 'Bounce records with their classification',
    tag: 'Bounces',
    query: 'ListBouncesQuery',
    responses: { 200: { page: 'Bounce' } },
  },
  {
    method: 'get',
    path: '/v1/suppressions',
    operationId: 'listSuppressions',
    summary: 'List suppressed addresses',
    tag: 'Suppressions',
    query: 'ListSuppressionsQuery',
    responses: { 200: { page: 'Suppression' } },
  },
  {
    method: 'post',
    path: '/v1/suppressions',
    operationId: 'addSuppressions',
    summary: 'Suppress up to 1,000 addresses',
    tag: 'Suppressions',
    request: 'AddSuppressionsRequest',
    responses: { 200: { schema: 'AddSuppressionsResponse' } },
    idempotent: true,
    errors: [409, 422],
  },
  {
    method: 'get',
    path: '/v1/suppressions/{email}',
    operationId: 'getSuppression',
    summary: 'Check one address (404 when not suppressed)',
    tag: 'Suppressions',
    query: 'SuppressionEntryQuery',
    responses: { 200: { schema: 'Suppression' } },
    errors: [404],
  },
  {
    method: 'delete',
    path: '/v1/suppressions/{email}',
    operationId: 'removeSuppression',
    summary: 'Reactivate an address (spam_complaint needs force=true)',
    tag: 'Suppressions',
    query: 'SuppressionEntryQuery',
    responses: { 204: null },
    errors: [404, 409],
  },
  {
    method: 'post',
    path: '/v1/exports',
    operationId: 'createExport',
    summary: 'Start a CSV or NDJSON export',
    tag: 'Exports',
    request: 'CreateExportRequest',
    responses: { 202: { schema: 'Export' } },
    idempotent: true,
    errors: [409, 422],
  },
  {
    method: 'get',
    path: '/v1/exports/{id}',
    operationId: 'getExport',
    summary: 'Export status',
    tag: 'Exports',
    responses: { 200: { schema: 'Export' } },
    errors: [404],
  },
  {
    method: 'get',
    path: '/v1/exports/{id}/download',
    operationId: 'downloadExport',
    summary: 'Download a completed export',
    tag: 'Exports',
    responses: {
      200: { media: 'text/csv', description: 'The file (text/csv with a BOM, or application/x-ndjson).' },
    },
    errors: [404, 409],
  },
  {
    method: 'get',
    path: '/v1/webhooks',
    operationId: 'listWebhookEndpoints',
    summary: 'List webhook endpoints',
    tag: 'Webhooks',
    query: 'ListQueryBase',
    responses: { 200: { page: 'WebhookEndpoint' } },
  },
  {
    method: 'post',
    path: '/v1/webhooks',
    operationId: 'createWebhookEndpoint',
    summary: 'Create a webhook endpoint (returns the secret once)',
    tag: 'Webhooks',
    request: 'CreateWebhookEndpointRequest',
    responses: { 201: { schema: 'WebhookEndpointWithSecret' } },
    idempotent: true,
    errors: [409, 422],
  },
  {
    method: 'get',
    path: '/v1/webhooks/{id}',
    operationId: 'getWebhookEndpoint',
    summary: 'Get a webhook endpoint',
    tag: 'Webhooks',
    responses: { 200: { schema: 'WebhookEndpoint' } },
    errors: [404],
  },
  {
    method: 'patch',
    path: '/v1/webhooks/{id}',
    operationId: 'updateWebhookEndpoint',
    summary: 'Update a webhook endpoint',
    tag: 'Webhooks',
    request: 'UpdateWebhookEndpointRequest',
    responses: { 200: { schema: 'WebhookEndpoint' } },
    errors: [404, 422],
  },
  {
    method: 'delete',
    path: '/v1/webhooks/{id}',
    operationId: 'deleteWebhookEndpoint',
    summary: 'Delete a webhook endpoint',
    tag: 'Webhooks',
    responses: { 204: null },
    errors: [404],
  },
  {
    method: 'post',
    path: '/v1/webhooks/{id}/rotate-secret',
    operationId: 'rotateWebhookSecret',
    summary: 'Rotate the signing secret',
    tag: 'Webhooks',
    responses: { 200: { schema: 'WebhookEndpointWithSecret' } },
    errors: [404],
  },
  {
    method: 'post',
    path: '/v1/webhooks/{id}/test',
    operationId: 'testWebhookEndpoint',
    summary: 'Send a test event',
    tag: 'Webhooks',
    request: 'TestWebhookRequest',
    responses: { 202: { schema: 'WebhookDelivery' } },
    errors: [404, 422],
  },
  {
    method: 'get',
    path: '/v1/webhooks/{id}/deliveries',
    operationId: 'listWebhookDeliveries',
    summary: 'Delivery log of an endpoint',
    tag: 'Webhooks',
    query: 'ListWebhookDeliveriesQuery',
    responses: { 200: { page: 'WebhookDelivery' } },
    errors: [404],
  },
  {
    method: 'post',
    path: '/v1/webhooks/{id}/deliveries/{did}/retry',
    operationId: 'retryWebhookDelivery',
    summary: 'Replay a delivery',
    tag: 'Webhooks',
    responses: { 202: { schema: 'WebhookDelivery' } },
    errors: [404],
  },
  {
    method: 'get',
    path: '/v1/me',
    operationId: 'getAccount',
    summary: 'The API key: prefix, mode, namespace and scopes',
    tag: 'Account',
    responses: { 200: { schema: 'Account' } },
  },
  {
    method: 'post',
    path: '/sandbox/v1/reset',
    operationId: 'sandboxReset',
    summary: "Clear the caller's namespace (all=true: everything)",
    tag: 'Sandbox',
    query: 'ResetQuery',
    responses: { 204: null },
  },
  {
    method: 'get',
    path: '/sandbox/v1/inbox',
    operationId: 'sandboxInbox',
    summary: 'Captured messages; wait= blocks until one matches',
    tag: 'Sandbox',
    query: 'InboxQuery',
    responses: { 200: { page: 'InboxMessageSummary' } },
  },
  {
    method: 'get',
    path: '/sandbox/v1/inbox/{messageId}',
    operationId: 'sandboxInboxMessage',
    summary: 'A captured message with headers, parts, links and attachments',
    tag: 'Sandbox',
    responses: { 200: { schema: 'InboxMessage' } },
    errors: [404],
  },
  {
    method: 'get',
    path: '/sandbox/v1/inbox/{messageId}/raw',
    operationId: 'sandboxInboxMessageRaw',
    summary: 'The captured MIME message',
    tag: 'Sandbox',
    responses: { 200: { media: 'message/rfc822', description: 'The MIME source.' } },
    errors: [404],
  },
  {
    method: 'post',
    path: '/sandbox/v1/messages/{id}/simulate',
    operationId: 'sandboxSimulate',
    summary: 'Simulate an event for a recipient',
    tag: 'Sandbox',
    request: 'SimulateRequest',
    responses: { 202: { schema: 'SimulateResponse' } },
    errors: [404, 422],
  },
  {
    method: 'get',
    path: '/sandbox/v1/chaos',
    operationId: 'sandboxGetChaos',
    summary: 'Current failure injection',
    tag: 'Sandbox',
    responses: { 200: { schema: 'Chaos' } },
  },
  {
    method: 'put',
    path: '/sandbox/v1/chaos',
    operationId: 'sandboxSetChaos',
    summary: 'Set probabilistic failures',
    tag: 'Sandbox',
    request: 'Chaos',
    responses: { 200: { schema: 'Chaos' } },
    errors: [422],
  },
  {
    method: 'post',
    path: '/sandbox/v1/chaos/next',
    operationId: 'sandboxChaosNext',
    summary: 'Fail the next operations deterministically',
    tag: 'Sandbox',
    request: 'ChaosNext',
    responses: { 204: null },
    errors: [422],
  },
  {
    method: 'get',
    path: '/sandbox/v1/webhook-deliveries',
    operationId: 'sandboxWebhookDeliveries',
    summary: 'Webhook deliveries with request and response bodies',
    tag: 'Sandbox',
    query: 'ListWebhookDeliveriesQuery',
    responses: { 200: { page: 'SandboxWebhookDelivery' } },
  },
  {
    method: 'post',
    path: '/sandbox/v1/webhook-deliveries/{id}/replay',
    operationId: 'sandboxReplayWebhookDelivery',
    summary: 'Replay a webhook delivery',
    tag: 'Sandbox',
    responses: { 202: { schema: 'SandboxWebhookDelivery' } },
    errors: [404],
  },
  {
    method: 'get',
    path: '/sandbox/v1/clock',
    operationId: 'sandboxGetClock',
    summary: 'The virtual clock',
    tag: 'Sandbox',
    responses: { 200: { schema: 'Clock' } },
  },
  {
    method: 'post',
    path: '/sandbox/v1/clock',
    operationId: 'sandboxSetClock',
    summary: 'Advance, freeze or set the virtual clock',
    tag: 'Sandbox',
    request: 'ClockRequest',
    responses: { 200: { schema: 'Clock' } },
    errors: [422],
  },
  {
    method: 'get',
    path: '/sandbox/v1/healthz',
    operationId: 'sandboxHealth',
    summary: 'Liveness',
    tag: 'Sandbox',
    responses: { 200: { schema: 'Health' } },
  },
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
