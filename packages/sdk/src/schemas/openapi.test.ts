import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument, OPENAPI_PATH, renderOpenApiDocument } from '../../scripts/generate-openapi.js';
import { EVENT_TYPES } from './events.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const document = buildOpenApiDocument();

function resolve(pointer: string): Json | undefined {
  let node: Json | undefined = document;
  for (const part of pointer.replace(/^#\//, '').split('/')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = node[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

function refs(value: Json, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refs(item, out);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string') out.push(item);
      else refs(item, out);
    }
  }
  return out;
}

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 JSON that round-trips', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(JSON.parse(renderOpenApiDocument())).toEqual(document);
    expect(renderOpenApiDocument().endsWith('}\n')).toBe(true);
  });

  it('has every path the SDK and the sandbox control API use', () => {
    const paths = document.paths as JsonObject;
    const expected: [string, string][] = [
      ['/v1/messages', 'post'],
      ['/v1/messages', 'get'],
      ['/v1/messages/batch', 'post'],
      ['/v1/messages/{id}', 'get'],
      ['/v1/messages/{id}/events', 'get'],
      ['/v1/messages/{id}/raw', 'get'],
      ['/v1/messages/{id}/cancel', 'post'],
      ['/v1/events', 'get'],
      ['/v1/events/stream', 'get'],
      ['/v1/templates', 'post'],
      ['/v1/templates/{idOrAlias}', 'patch'],
      ['/v1/templates/{idOrAlias}/render', 'post'],
      ['/v1/stats', 'get'],
      ['/v1/bounces', 'get'],
      ['/v1/suppressions', 'post'],
      ['/v1/suppressions/{email}', 'delete'],
      ['/v1/suppressions/{email}', 'get'],
      ['/v1/exports', 'post'],
      ['/v1/exports/{id}/download', 'get'],
      ['/v1/webhooks', 'post'],
      ['/v1/webhooks/{id}/test', 'post'],
      ['/v1/webhooks/{id}/deliveries', 'get'],
      ['/v1/webhooks/{id}/deliveries/{did}/retry', 'post'],
      ['/v1/me', 'get'],
      ['/sandbox/v1/inbox', 'get'],
      ['/sandbox/v1/messages/{id}/simulate', 'post'],
      ['/sandbox/v1/chaos/next', 'post'],
      ['/sandbox/v1/clock', 'post'],
    ];
    for (const [path, method] of expected) {
      expect((paths[path] as JsonObject | undefined)?.[method], `${method} ${path}`).toBeDefined();
    }
  });

  it('has one webhook entry per event type, each pointing at its event schema', () => {
    const webhooks = document.webhooks as JsonObject;
    expect(Object.keys(webhooks).sort()).toEqual([...EVENT_TYPES].sort());
    const bounced = resolve(
      '#/webhooks/message.bounced/post/requestBody/content/application~1json/schema',
    ) as JsonObject;
    expect(bounced.$ref).toBe('#/components/schemas/MessageBouncedEvent');
  });

  it('resolves every $ref', () => {
    const unresolved = [...new Set(refs(document))].filter((ref) => resolve(ref) === undefined);
    expect(unresolved).toEqual([]);
  });

  it('uses problem+json errors, bearer auth and the Idempotency-Key header', () => {
    expect(resolve('#/components/securitySchemes/bearerAuth')).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    const send = resolve('#/paths/~1v1~1messages/post') as JsonObject;
    expect(send.parameters).toContainEqual({ $ref: '#/components/parameters/IdempotencyKey' });
    expect((send.responses as JsonObject)['422']).toEqual({ $ref: '#/components/responses/Problem422' });
    expect(resolve('#/components/responses/Problem422/content/application~1problem+json/schema')).toEqual({
      $ref: '#/components/schemas/Problem',
    });
  });

  it('describes requests in input form and responses in output form', () => {
    // Input: stream has a default and is optional; shorthand `to` is accepted.
    const request = resolve('#/components/schemas/SendMessageRequest') as JsonObject;
    expect(request.required).toEqual(['from']);
    // Output: the Message has its fields required.
    const message = resolve('#/components/schemas/Message') as JsonObject;
    expect(message.required).toContain('recipients');
    const listEvents = resolve('#/paths/~1v1~1events/get/parameters') as JsonObject[];
    expect(listEvents.map((p) => p.name)).toEqual(
      expect.arrayContaining(['limit', 'cursor', 'order', 'type', 'since']),
    );
  });

  it('matches the committed docs/openapi.json (run npm run openapi after changing a schema)', () => {
    expect(readFileSync(OPENAPI_PATH, 'utf8')).toBe(renderOpenApiDocument());
  });
});
