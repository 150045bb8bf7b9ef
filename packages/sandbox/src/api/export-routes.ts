import { CreateExportRequestSchema } from '@mailplatform/sdk/schemas';
import type { SandboxCore } from '../core/sandbox-core.js';
import { CONTENT_TYPES, ExportService } from '../exports/export-service.js';
import { parseBody } from '../http/parse-body.js';
import { json, type Route } from '../http/types.js';

/** `POST /v1/exports`, `GET /v1/exports/:id`, `GET /v1/exports/:id/download` (contract §14). */
export function exportRoutes(core: SandboxCore): Route[] {
  const exports = new ExportService(core);
  return [
    {
      method: 'POST',
      path: '/v1/exports',
      auth: 'key',
      idempotent: true,
      handler: (ctx) => {
        const request = parseBody(CreateExportRequestSchema, ctx.body);
        return json(202, exports.create(ctx.auth!.namespace, request, core.publicUrl()));
      },
    },
    {
      method: 'GET',
      path: '/v1/exports/:id',
      auth: 'key',
      handler: (ctx) => json(200, exports.get(ctx.auth!.namespace, ctx.params.id!)),
    },
    {
      method: 'GET',
      path: '/v1/exports/:id/download',
      auth: 'key',
      handler: (ctx) => {
        const id = ctx.params.id!;
        const { content, format } = exports.download(ctx.auth!.namespace, id);
        return {
          status: 200,
          raw: content,
          contentType: CONTENT_TYPES[format],
          headers: { 'Content-Disposition': `attachment; filename="${id}.${format}"` },
        };
      },
    },
  ];
}
