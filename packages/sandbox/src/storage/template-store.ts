import type { SqliteDatabase } from './open-database.js';
import { cursorClause, type Page, type PageRequest, toPage } from './pagination.js';
import { StatementCache } from './statement-cache.js';

export interface TemplateContent {
  name: string;
  subject: string;
  html?: string;
  text?: string;
  layoutId?: string | null;
  editor?: unknown;
  variables: string[];
}

export interface StoredTemplate extends TemplateContent {
  id: string;
  alias: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

interface TemplateRow {
  id: string;
  alias: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  body: string;
}

const SELECT = `SELECT t.id, t.alias, v.version, t.created_at, t.updated_at, v.body
  FROM templates t JOIN template_versions v ON v.template_id = t.id`;

function toTemplate(row: TemplateRow): StoredTemplate {
  return {
    ...(JSON.parse(row.body) as TemplateContent),
    id: row.id,
    alias: row.alias,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class TemplateStore {
  private readonly insertTemplate;
  private readonly insertVersion;
  private readonly bumpVersion;
  private readonly selectCurrent;
  private readonly selectVersion;
  private readonly deleteTemplate;
  private readonly deleteVersions;
  private readonly cache: StatementCache;

  constructor(db: SqliteDatabase) {
    this.cache = new StatementCache(db);
    this.insertTemplate = db.prepare(
      'INSERT INTO templates (id, namespace, alias, version, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)',
    );
    this.insertVersion = db.prepare(
      'INSERT INTO template_versions (template_id, version, body, created_at) VALUES (?, ?, ?, ?)',
    );
    this.bumpVersion = db.prepare('UPDATE templates SET version = ?, alias = ?, updated_at = ? WHERE id = ?');
    this.selectCurrent = db.prepare<[string, string, string], TemplateRow>(
      `${SELECT} AND v.version = t.version WHERE t.namespace = ? AND (t.id = ? OR t.alias = ?)`,
    );
    this.selectVersion = db.prepare<[string, string, string, number], TemplateRow>(
      `${SELECT} WHERE t.namespace = ? AND (t.id = ? OR t.alias = ?) AND v.version = ?`,
    );
    this.deleteTemplate = db.prepare('DELETE FROM templates WHERE id = ?');
    this.deleteVersions = db.prepare('DELETE FROM template_versions WHERE template_id = ?');
  }

  create(
    namespace: string,
    id: string,
    alias: string | null,
    content: TemplateContent,
    at: string,
  ): StoredTemplate {
    this.insertTemplate.run(id, namespace, alias, at, at);
    this.insertVersion.run(id, 1, JSON.stringify(content), at);
    return { ...content, id, alias, version: 1, createdAt: at, updatedAt: at };
  }

  addVersion(
    current: StoredTemplate,
    alias: string | null,
    content: TemplateContent,
    at: string,
  ): StoredTemplate {
    const version = current.version + 1;
    this.insertVersion.run(current.id, version, JSON.stringify(content), at);
    this.bumpVersion.run(version, alias, at, current.id);
    return { ...content, id: current.id, alias, version, createdAt: current.createdAt, updatedAt: at };
  }

  /** By `tmpl_` id or alias; the current version unless `version` is given. */
  get(namespace: string, idOrAlias: string, version?: number): StoredTemplate | undefined {
    const row =
      version === undefined
        ? this.selectCurrent.get(namespace, idOrAlias, idOrAlias)
        : this.selectVersion.get(namespace, idOrAlias, idOrAlias, version);
    return row ? toTemplate(row) : undefined;
  }

  remove(id: string): void {
    this.deleteVersions.run(id);
    this.deleteTemplate.run(id);
  }

  list(namespace: string, page: PageRequest): Page<StoredTemplate> {
    const params: Record<string, unknown> = { namespace, limit: page.limit + 1 };
    const where = `t.namespace = @namespace${cursorClause(page, 't.created_at', 't.id', params)}`;
    const dir = page.order === 'asc' ? 'ASC' : 'DESC';
    const rows = this.cache
      .get<TemplateRow>(
        `${SELECT} AND v.version = t.version WHERE ${where} ORDER BY t.created_at ${dir}, t.id ${dir} LIMIT @limit`,
      )
      .all(params);
    return toPage(rows.map(toTemplate), page, (t) => ({ t: t.createdAt, i: t.id }), {});
  }
}
