import type { Page } from '@mailplatform/sdk';
import { parseInstant, parseInteger } from '../duration.js';
import type { Column } from '../output/printer.js';
import type { Session } from '../session.js';

export interface ListOptions {
  limit?: string;
  cursor?: string;
  all?: boolean;
  since?: string;
  until?: string;
}

/** The query part every list command shares. */
export function listQuery(
  s: Session,
  o: ListOptions,
): { limit?: number; cursor?: string; since?: string; until?: string } {
  const now = s.ctx.now();
  return {
    ...(o.limit === undefined ? {} : { limit: parseInteger(o.limit, '--limit', 1) }),
    ...(o.cursor === undefined ? {} : { cursor: o.cursor }),
    ...(o.since === undefined ? {} : { since: parseInstant(o.since, '--since', now) }),
    ...(o.until === undefined ? {} : { until: parseInstant(o.until, '--until', now) }),
  };
}

/** One page (saying how to get the next on stderr), or with `--all` every item of every page. */
export async function printList<T extends object>(
  s: Session,
  result: PromiseLike<Page<T>> & AsyncIterable<T>,
  all: boolean | undefined,
  columns: readonly Column[],
): Promise<void> {
  if (all) {
    const mode = s.out.settings.mode;
    if (mode === 'jsonl' || mode === 'plain') {
      for await (const item of result) s.out.list([item], columns);
      return;
    }
    const items: T[] = [];
    for await (const item of result) items.push(item);
    s.out.list(items, columns);
    return;
  }
  const page = await result;
  s.out.list(page.data, columns);
  if (page.hasNextPage() && !s.out.machine) s.out.note(`more: --cursor ${page.nextCursor} (or --all)`);
  if (page.data.length === 0 && s.out.settings.mode === 'table') s.out.note('no results');
}
