import type { Requester, RequestOptions } from '../http/types.js';
import type {
  CreateTemplateRequest,
  ListTemplatesQuery,
  RenderTemplateRequest,
  RenderTemplateResponse,
  Template,
  UpdateTemplateRequest,
} from '../schemas/index.js';
import { call, listPages, type PagePromise, pathOf } from './shared.js';

/** Stored Handlebars templates, addressed by id (`tmpl_...`) or alias. */
export class TemplatesResource {
  readonly #requester: Requester;

  constructor(requester: Requester) {
    this.#requester = requester;
  }

  list(query?: ListTemplatesQuery, options?: RequestOptions): PagePromise<Template> {
    return listPages<Template>(this.#requester, '/templates', query, options);
  }

  get(idOrAlias: string, options?: RequestOptions): Promise<Template> {
    return call<Template>(this.#requester, {
      method: 'GET',
      path: pathOf`/templates/${idOrAlias}`,
      kind: 'read',
      options,
    });
  }

  create(template: CreateTemplateRequest, options?: RequestOptions): Promise<Template> {
    return call<Template>(this.#requester, {
      method: 'POST',
      path: '/templates',
      body: template,
      kind: 'write',
      options,
    });
  }

  /** Every update creates a new version. */
  update(idOrAlias: string, changes: UpdateTemplateRequest, options?: RequestOptions): Promise<Template> {
    return call<Template>(this.#requester, {
      method: 'PATCH',
      path: pathOf`/templates/${idOrAlias}`,
      body: changes,
      kind: 'write',
      options,
    });
  }

  async remove(idOrAlias: string, options?: RequestOptions): Promise<void> {
    await this.#requester.request({
      method: 'DELETE',
      path: pathOf`/templates/${idOrAlias}`,
      kind: 'write',
      responseType: 'none',
      options,
    });
  }

  /** Renders with `data`: the parts, the missing variables and warnings (nothing is sent). */
  render(
    idOrAlias: string,
    request: RenderTemplateRequest,
    options?: RequestOptions,
  ): Promise<RenderTemplateResponse> {
    return call<RenderTemplateResponse>(this.#requester, {
      method: 'POST',
      path: pathOf`/templates/${idOrAlias}/render`,
      body: request,
      kind: 'read',
      options,
    });
  }
}
