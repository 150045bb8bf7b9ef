import { readdir, readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  type CreateTemplateRequest,
  NotFoundError,
  type Template,
  type UpdateTemplateRequest,
} from '@mailplatform/sdk';
import type { CliClient } from '../client.js';
import { ensurePrivateDir, writeFileAtomic } from '../config/atomic-write.js';
import { parseInteger } from '../duration.js';
import { PartialFailureError, UsageError } from '../errors.js';
import type { Session } from '../session.js';
import { untilInterrupted } from '../until-interrupted.js';
import { type ListOptions, listQuery, printList } from './list.js';
import { readJsonArgument } from './send.js';

/**
 * The files of one template in a pulled directory: `<dir>/<alias>/template.json` (everything but the
 * content), `content.html` and `content.txt`. A layout is marked `"layout": true`; a template that
 * uses a layout names it by alias in `"layoutAlias"` (ids differ between accounts and modes).
 */
export interface TemplateFile {
  alias: string;
  name: string;
  /** Optional for a layout: the platform stores one, but a layout's subject is never used. */
  subject?: string;
  layout?: boolean;
  layoutAlias?: string | null;
  locale?: string | null;
  timezone?: string | null;
}

interface LocalTemplate {
  meta: TemplateFile;
  html: string | undefined;
  text: string | undefined;
}

export interface PushResult {
  [key: string]: unknown;
  alias: string;
  layout: boolean;
  status: 'created' | 'updated' | 'would create' | 'would update' | 'unchanged' | 'failed';
  version: number | null;
  error: string | null;
}

const BODY_SLOT = /\{\{\{\s*body\s*\}\}\}/;
const META_FILE = 'template.json';

/** A layout: marked so in its file, or its html has the `{{{body}}}` slot. */
export function isLayout(template: {
  html?: string | null | undefined;
  layout?: boolean | undefined;
}): boolean {
  return template.layout === true || (typeof template.html === 'string' && BODY_SLOT.test(template.html));
}

function csvList(value: string | undefined): string[] | undefined {
  return value
    ?.split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

async function allTemplates(s: Session, client: CliClient): Promise<Template[]> {
  const summaries: Template[] = [];
  for await (const t of client.templates.list({ limit: 100 }, { signal: s.ctx.signal })) summaries.push(t);
  return summaries;
}

export async function templatesList(s: Session, o: ListOptions & { search?: string }): Promise<void> {
  const client = await s.client();
  const query = { ...listQuery(s, o), ...(o.search ? { search: o.search } : {}) };
  await printList(s, client.templates.list(query, { signal: s.ctx.signal }), o.all, [
    { key: 'alias' },
    { key: 'name' },
    { key: 'version' },
    { key: 'subject' },
    { key: 'updatedAt', header: 'updated' },
  ]);
}

export async function templatesGet(s: Session, _o: object, [alias = '']: string[]): Promise<void> {
  const client = await s.client();
  s.out.object(await client.templates.get(alias, { signal: s.ctx.signal }));
}

export async function templatesPull(
  s: Session,
  o: { only?: string; overwrite?: boolean },
  [dir = '']: string[],
): Promise<void> {
  const client = await s.client();
  const only = csvList(o.only);
  const summaries = (await allTemplates(s, client)).filter((t) => !only || only.includes(t.alias));
  const missing = (only ?? []).filter((alias) => !summaries.some((t) => t.alias === alias));
  if (missing.length > 0) {
    throw new NotFoundError(`no template ${missing.map((a) => `"${a}"`).join(', ')} on the platform`, {
      status: 404,
      code: 'template_not_found',
    });
  }
  const full = await Promise.all(summaries.map((t) => client.templates.get(t.id, { signal: s.ctx.signal })));
  const aliasOf = new Map(full.map((t) => [t.id, t.alias]));
  const results: { alias: string; layout: boolean; status: string; path: string }[] = [];
  for (const t of full) {
    const target = join(dir, t.alias);
    const exists = await stat(join(target, META_FILE)).then(
      () => true,
      () => false,
    );
    if (exists && !o.overwrite) {
      results.push({ alias: t.alias, layout: isLayout(t), status: 'skipped (exists)', path: target });
      continue;
    }
    const meta: TemplateFile = {
      alias: t.alias,
      name: t.name,
      subject: t.subject,
      ...(isLayout(t) ? { layout: true } : {}),
      layoutAlias: t.layoutId ? (aliasOf.get(t.layoutId) ?? null) : null,
      locale: t.locale,
      timezone: t.timezone,
    };
    await ensurePrivateDir(target, 0o755);
    await writeFileAtomic(join(target, META_FILE), `${JSON.stringify(meta, null, 2)}\n`, { mode: 0o644 });
    if (t.html !== null) await writeFileAtomic(join(target, 'content.html'), t.html, { mode: 0o644 });
    if (t.text !== null) await writeFileAtomic(join(target, 'content.txt'), t.text, { mode: 0o644 });
    results.push({
      alias: t.alias,
      layout: isLayout(t),
      status: exists ? 'overwritten' : 'pulled',
      path: target,
    });
  }
  s.out.list(results, [{ key: 'alias' }, { key: 'layout' }, { key: 'status' }, { key: 'path' }]);
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Every `<dir>/<alias>/template.json` with its content files. */
export async function readTemplateDir(dir: string): Promise<LocalTemplate[]> {
  let entries: string[];
  try {
    entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    throw new UsageError(`cannot read the directory ${dir}`, 'pull first: `mailplatform templates pull DIR`');
  }
  const out: LocalTemplate[] = [];
  for (const name of entries.sort()) {
    const metaText = await readOptional(join(dir, name, META_FILE));
    if (metaText === undefined) continue;
    let meta: TemplateFile;
    try {
      meta = JSON.parse(metaText) as TemplateFile;
    } catch {
      throw new UsageError(`${join(dir, name, META_FILE)} is not valid JSON`);
    }
    const html = await readOptional(join(dir, name, 'content.html'));
    if (typeof meta.alias !== 'string') throw new UsageError(`${join(dir, name, META_FILE)} needs "alias"`);
    if (typeof meta.subject !== 'string' && !isLayout({ layout: meta.layout, html })) {
      throw new UsageError(`${join(dir, name, META_FILE)} needs "subject" (only a layout may leave it out)`);
    }
    out.push({
      meta: { ...meta, name: typeof meta.name === 'string' && meta.name !== '' ? meta.name : meta.alias },
      html,
      text: await readOptional(join(dir, name, 'content.txt')),
    });
  }
  return out;
}

function changes(local: LocalTemplate, layoutId: string | null, remote: Template): UpdateTemplateRequest {
  const wanted: UpdateTemplateRequest = {
    name: local.meta.name,
    ...(local.meta.subject !== undefined ? { subject: local.meta.subject } : {}),
    html: local.html ?? null,
    text: local.text ?? null,
    layoutId,
    ...(local.meta.locale !== undefined ? { locale: local.meta.locale } : {}),
    ...(local.meta.timezone !== undefined ? { timezone: local.meta.timezone } : {}),
  };
  const diff: UpdateTemplateRequest = {};
  for (const [key, value] of Object.entries(wanted) as [keyof UpdateTemplateRequest, unknown][]) {
    if ((remote as Record<string, unknown>)[key] !== value) (diff as Record<string, unknown>)[key] = value;
  }
  return diff;
}

/** Layouts first (their ids are needed by the templates), each item on its own: one failure does not stop the rest. */
export async function templatesPush(
  s: Session,
  o: { only?: string; dryRun?: boolean },
  [dir = '']: string[],
): Promise<void> {
  const only = csvList(o.only);
  const local = (await readTemplateDir(dir)).filter((t) => !only || only.includes(t.meta.alias));
  if (local.length === 0)
    throw new UsageError(`no templates in ${dir}`, `expected ${dir}/<alias>/${META_FILE}`);
  const ordered = [
    ...local.filter((t) => isLayout({ ...t.meta, html: t.html })),
    ...local.filter((t) => !isLayout({ ...t.meta, html: t.html })),
  ];
  const client = await s.client();
  const remote = new Map((await allTemplates(s, client)).map((t) => [t.alias, t]));
  const results: PushResult[] = [];
  for (const item of ordered) {
    const { alias } = item.meta;
    const layout = isLayout({ ...item.meta, html: item.html });
    try {
      const layoutAlias = item.meta.layoutAlias ?? null;
      const layoutTemplate = layoutAlias === null ? undefined : remote.get(layoutAlias);
      if (layoutAlias !== null && !layoutTemplate && !o.dryRun)
        throw new Error(`layout "${layoutAlias}" does not exist on the platform`);
      const layoutId = layoutTemplate?.id ?? null;
      const existing = remote.get(alias);
      const current = existing
        ? await client.templates.get(existing.id, { signal: s.ctx.signal })
        : undefined;
      if (!current) {
        if (item.html === undefined && item.text === undefined)
          throw new Error('no content.html or content.txt');
        const body: CreateTemplateRequest = {
          alias,
          name: item.meta.name,
          // The platform requires a subject; a layout's is never used, so its name stands in.
          subject: item.meta.subject ?? item.meta.name,
          ...(item.html !== undefined ? { html: item.html } : {}),
          ...(item.text !== undefined ? { text: item.text } : {}),
          ...(layoutId ? { layoutId } : {}),
          ...(item.meta.locale ? { locale: item.meta.locale } : {}),
          ...(item.meta.timezone ? { timezone: item.meta.timezone } : {}),
        };
        const created = o.dryRun ? undefined : await client.templates.create(body, { signal: s.ctx.signal });
        if (created) remote.set(alias, created);
        results.push({
          alias,
          layout,
          status: created ? 'created' : 'would create',
          version: created?.version ?? null,
          error: null,
        });
        continue;
      }
      const diff = changes(item, layoutId, current);
      if (Object.keys(diff).length === 0) {
        results.push({ alias, layout, status: 'unchanged', version: current.version, error: null });
        continue;
      }
      const updated = o.dryRun
        ? undefined
        : await client.templates.update(current.id, diff, { signal: s.ctx.signal });
      results.push({
        alias,
        layout,
        status: updated ? 'updated' : 'would update',
        version: updated?.version ?? null,
        error: null,
      });
    } catch (error) {
      if (s.ctx.signal.aborted) throw error;
      results.push({
        alias,
        layout,
        status: 'failed',
        version: null,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  if (s.out.settings.mode === 'json') s.out.object({ dryRun: o.dryRun === true, results });
  else
    s.out.list(results, [
      { key: 'alias' },
      { key: 'layout' },
      { key: 'status' },
      { key: 'version' },
      { key: 'error' },
    ]);
  const failed = results.filter((r) => r.status === 'failed').length;
  if (failed > 0) throw new PartialFailureError(`${failed} of ${results.length} templates failed`, results);
}

export async function templatesRender(
  s: Session,
  o: { data?: string; templateVersion?: string },
  [alias = '']: string[],
): Promise<void> {
  const data = o.data ? await readJsonArgument(o.data, '--data') : {};
  const client = await s.client();
  const rendered = await client.templates.render(
    alias,
    {
      data,
      ...(o.templateVersion ? { version: parseInteger(o.templateVersion, '--template-version', 1) } : {}),
    },
    { signal: s.ctx.signal },
  );
  if (s.out.machine) {
    s.out.object(rendered);
    return;
  }
  const out = s.ctx.stdout;
  out.write(`Subject: ${rendered.subject}\n\n`);
  if (rendered.text !== null) out.write(`${rendered.text.trimEnd()}\n`);
  for (const name of rendered.missingVariables) s.out.warn(`missing variable: ${name}`);
  for (const warning of rendered.warnings) s.out.warn(warning);
}

/**
 * A local page that asks the platform to render the template on every reload: edit, `push`, reload.
 * Runs until Ctrl-C.
 */
export async function templatesPreview(
  s: Session,
  o: { data?: string; port: string },
  [alias = '']: string[],
): Promise<void> {
  const data = o.data ? await readJsonArgument(o.data, '--data') : {};
  const client = await s.client();
  await client.templates.get(alias, { signal: s.ctx.signal });
  const server = createServer((req, res) => {
    client.templates
      .render(alias, { data })
      .then((rendered) => {
        const path = new URL(req.url ?? '/', 'http://localhost').pathname;
        if (path === '/text') {
          res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
          res.end(rendered.text ?? '');
          return;
        }
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'x-subject': encodeURIComponent(rendered.subject),
        });
        res.end(
          rendered.html ??
            `<pre>${(rendered.text ?? '').replace(/[<&]/g, (c) => (c === '<' ? '&lt;' : '&amp;'))}</pre>`,
        );
      })
      .catch((error: unknown) => {
        res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`render failed: ${error instanceof Error ? error.message : String(error)}\n`);
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(parseInteger(o.port, '--port'), '127.0.0.1', () => resolve());
  });
  s.onClose(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  s.out.result(
    { alias, url, textUrl: `${url}text` },
    `preview of ${alias}: ${url}  (text part: ${url}text; Ctrl-C stops)`,
  );
  await untilInterrupted(s.ctx.signal);
}
