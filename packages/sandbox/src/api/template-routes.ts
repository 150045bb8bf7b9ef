import {
  CreateTemplateRequestSchema,
  RenderTemplateRequestSchema,
  UpdateTemplateRequestSchema,
} from '@mailplatform/sdk/schemas';
import type { SandboxCore } from '../core/sandbox-core.js';
import { parseBody } from '../http/parse-body.js';
import { ProblemError, validationFailed } from '../http/problem.js';
import { json, type RequestContext, type Route } from '../http/types.js';
import { pageRequest } from '../storage/pagination.js';
import type { StoredTemplate, TemplateContent } from '../storage/template-store.js';

/** What the sandbox keeps per template version: the store's content plus the formatting defaults. */
interface TemplateBody extends TemplateContent {
  locale?: string;
  timezone?: string;
}

/** The store keeps a version's body as JSON, so the extra fields of `TemplateBody` come back as written. */
type StoredTemplateBody = StoredTemplate & Pick<TemplateBody, 'locale' | 'timezone'>;

/** The contract's Template (§7). */
export function templateView(template: StoredTemplateBody): Record<string, unknown> {
  return {
    id: template.id,
    alias: template.alias,
    name: template.name,
    version: template.version,
    subject: template.subject,
    html: template.html ?? null,
    text: template.text ?? null,
    layoutId: template.layoutId ?? null,
    editor: template.editor ?? null,
    variables: template.variables,
    locale: template.locale ?? null,
    timezone: template.timezone ?? null,
    createdAt: template.createdAt,
    updatedAt: template.updatedAt,
  };
}

function ns(ctx: RequestContext): string {
  return ctx.auth!.namespace;
}

function versionQuery(ctx: RequestContext): number | undefined {
  const raw = ctx.query.get('version');
  if (raw === null) return undefined;
  const version = Number(raw);
  if (!Number.isInteger(version) || version < 1) {
    throw new ProblemError(400, 'invalid_query', { detail: 'version must be a positive integer' });
  }
  return version;
}

export function templateRoutes(core: SandboxCore): Route[] {
  const find = (namespace: string, idOrAlias: string, version?: number): StoredTemplateBody => {
    const found = core.templates.get(namespace, idOrAlias, version);
    if (!found) {
      throw new ProblemError(404, 'not_found', {
        detail: `No template ${idOrAlias}${version === undefined ? '' : ` with version ${version}`}`,
      });
    }
    return found;
  };

  const checkAlias = (namespace: string, alias: string, ownId?: string) => {
    const holder = core.templates.get(namespace, alias);
    if (holder && holder.id !== ownId) {
      throw new ProblemError(409, 'conflict', {
        detail: `The alias ${alias} is already used by ${holder.id}`,
      });
    }
  };

  const checkLayout = (namespace: string, layoutId: string | null | undefined, ownId?: string) => {
    if (layoutId === null || layoutId === undefined) return;
    const layout = core.templates.get(namespace, layoutId);
    const problem = !layout
      ? `No layout template ${layoutId}`
      : layout.id === ownId
        ? 'A template cannot be its own layout'
        : undefined;
    if (problem)
      throw validationFailed([{ pointer: '/layoutId', code: 'template_not_found', message: problem }]);
  };

  const variables = (body: TemplateBody): string[] =>
    core.engines.extractVariables({
      subject: body.subject,
      ...(body.html !== undefined ? { html: body.html } : {}),
      ...(body.text !== undefined ? { text: body.text } : {}),
    });

  return [
    {
      method: 'GET',
      path: '/v1/templates',
      auth: 'key',
      handler: (ctx) => {
        const page = core.templates.list(ns(ctx), pageRequest(ctx.query, {}));
        return json(200, { ...page, data: page.data.map(templateView) });
      },
    },
    {
      method: 'POST',
      path: '/v1/templates',
      auth: 'key',
      idempotent: true,
      handler: (ctx) => {
        const input = parseBody(CreateTemplateRequestSchema, ctx.body);
        const namespace = ns(ctx);
        checkAlias(namespace, input.alias);
        checkLayout(namespace, input.layoutId);
        const body: TemplateBody = {
          name: input.name,
          subject: input.subject,
          ...(input.html !== undefined ? { html: input.html } : {}),
          ...(input.text !== undefined ? { text: input.text } : {}),
          ...(input.layoutId ? { layoutId: input.layoutId } : {}),
          ...(input.editor ? { editor: input.editor } : {}),
          ...(input.locale !== undefined ? { locale: input.locale } : {}),
          ...(input.timezone !== undefined ? { timezone: input.timezone } : {}),
          variables: [],
        };
        body.variables = variables(body);
        const at = core.clock.iso();
        const created = core.templates.create(namespace, core.ids.next('tmpl'), input.alias, body, at);
        return json(201, templateView(created));
      },
    },
    {
      method: 'GET',
      path: '/v1/templates/:idOrAlias',
      auth: 'key',
      handler: (ctx) => json(200, templateView(find(ns(ctx), ctx.params.idOrAlias!, versionQuery(ctx)))),
    },
    {
      method: 'PATCH',
      path: '/v1/templates/:idOrAlias',
      auth: 'key',
      handler: (ctx) => {
        const input = parseBody(UpdateTemplateRequestSchema, ctx.body);
        const namespace = ns(ctx);
        const current = find(namespace, ctx.params.idOrAlias!);
        if (input.alias !== undefined) checkAlias(namespace, input.alias, current.id);
        checkLayout(namespace, input.layoutId, current.id);
        const pick = <K extends 'html' | 'text' | 'layoutId' | 'locale' | 'timezone'>(
          key: K,
        ): Partial<Record<K, string>> => {
          const value = input[key] === undefined ? current[key] : input[key];
          return value === null || value === undefined ? {} : ({ [key]: value } as Record<K, string>);
        };
        const editor = input.editor === undefined ? current.editor : input.editor;
        const body: TemplateBody = {
          name: input.name ?? current.name,
          subject: input.subject ?? current.subject,
          ...pick('html'),
          ...pick('text'),
          ...pick('layoutId'),
          ...(editor !== null && editor !== undefined ? { editor } : {}),
          ...pick('locale'),
          ...pick('timezone'),
          variables: [],
        };
        if (body.html === undefined && body.text === undefined) {
          throw validationFailed([
            { pointer: '/html', code: 'missing_content', message: 'A template needs html, text or both' },
          ]);
        }
        body.variables = variables(body);
        const updated = core.templates.addVersion(
          current,
          input.alias ?? current.alias,
          body,
          core.clock.iso(),
        );
        return json(200, templateView(updated));
      },
    },
    {
      method: 'DELETE',
      path: '/v1/templates/:idOrAlias',
      auth: 'key',
      handler: (ctx) => {
        core.templates.remove(find(ns(ctx), ctx.params.idOrAlias!).id);
        return { status: 204 };
      },
    },
    {
      method: 'POST',
      path: '/v1/templates/:idOrAlias/render',
      auth: 'key',
      handler: (ctx) => {
        const input = parseBody(RenderTemplateRequestSchema, ctx.body);
        const namespace = ns(ctx);
        const template = find(namespace, ctx.params.idOrAlias!, input.version);
        const layout = template.layoutId ? core.templates.get(namespace, template.layoutId) : undefined;
        const locale = input.locale ?? template.locale;
        const timezone = input.timezone ?? template.timezone;
        const rendered = core.engines.renderTemplate({
          subject: template.subject,
          ...(template.html !== undefined ? { html: template.html } : {}),
          ...(template.text !== undefined ? { text: template.text } : {}),
          ...(layout
            ? {
                layout: {
                  ...(layout.html !== undefined ? { html: layout.html } : {}),
                  ...(layout.text !== undefined ? { text: layout.text } : {}),
                },
              }
            : {}),
          data: input.data,
          ...(locale !== undefined ? { locale } : {}),
          ...(timezone !== undefined ? { timezone } : {}),
          strict: false,
        });
        return json(200, {
          subject: rendered.subject,
          html: rendered.html ?? null,
          text: rendered.text ?? null,
          missingVariables: rendered.missingVariables,
          warnings: [
            ...(template.layoutId && !layout ? [`The layout ${template.layoutId} no longer exists`] : []),
            ...rendered.warnings,
          ],
        });
      },
    },
  ];
}
