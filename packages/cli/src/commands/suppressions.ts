import type { ListSuppressionsQuery, Suppression } from '@mailplatform/sdk';
import { writeFileAtomic } from '../config/atomic-write.js';
import { PartialFailureError, UsageError } from '../errors.js';
import { toCsv } from '../output/csv.js';
import type { Session } from '../session.js';
import { type ListOptions, listQuery, printList } from './list.js';
import { assertWritableTarget, readLocalFile } from './local-files.js';

const COLUMNS = [
  { key: 'email' },
  { key: 'reason' },
  { key: 'stream' },
  { key: 'createdAt', header: 'since' },
  { key: 'diagnostic' },
];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const CHUNK = 1000;

export async function suppressionsList(
  s: Session,
  o: ListOptions & { reason?: string; stream?: string },
): Promise<void> {
  const client = await s.client();
  const query = {
    ...listQuery(s, o),
    ...(o.reason ? { reason: o.reason } : {}),
    ...(o.stream ? { stream: o.stream } : {}),
  } as ListSuppressionsQuery;
  await printList(s, client.suppressions.list(query, { signal: s.ctx.signal }), o.all, COLUMNS);
}

async function addAll(s: Session, emails: readonly string[], stream: string | undefined) {
  const client = await s.client();
  let created = 0;
  let existing = 0;
  for (let i = 0; i < emails.length; i += CHUNK) {
    const result = await client.suppressions.add(
      { emails: emails.slice(i, i + CHUNK), ...(stream ? { stream } : {}) },
      { signal: s.ctx.signal },
    );
    created += result.created;
    existing += result.existing;
  }
  return { created, existing };
}

export async function suppressionsAdd(s: Session, o: { stream?: string }, emails: string[]): Promise<void> {
  const invalid = emails.filter((e) => !EMAIL.test(e));
  if (invalid.length > 0) throw new UsageError(`not an e-mail address: ${invalid.join(', ')}`);
  const result = await addAll(s, emails, o.stream);
  s.out.result(result, `suppressed ${result.created} new, ${result.existing} already suppressed`);
}

export async function suppressionsRemove(
  s: Session,
  o: { stream?: string; force?: boolean },
  emails: string[],
): Promise<void> {
  const client = await s.client();
  const results: { email: string; status: string; error?: string }[] = [];
  for (const email of emails) {
    try {
      await client.suppressions.remove(
        email,
        { ...(o.stream ? { stream: o.stream } : {}), ...(o.force ? { force: true } : {}) },
        { signal: s.ctx.signal },
      );
      results.push({ email, status: 'removed' });
    } catch (error) {
      if (emails.length === 1) throw error;
      results.push({
        email,
        status: 'failed',
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  s.out.list(results, [{ key: 'email' }, { key: 'status' }, { key: 'error' }]);
  const failed = results.filter((r) => r.status === 'failed').length;
  if (failed > 0) throw new PartialFailureError(`${failed} of ${emails.length} removals failed`, results);
}

export async function suppressionsCheck(s: Session, _o: object, emails: string[]): Promise<void> {
  const client = await s.client();
  const rows: Record<string, unknown>[] = [];
  for (const email of emails) {
    const result = await client.suppressions.check(email, {}, { signal: s.ctx.signal });
    rows.push(result.suppressed ? { ...result, email } : { email, suppressed: false });
  }
  s.out.list(rows, [
    { key: 'email' },
    { key: 'suppressed' },
    { key: 'reason' },
    { key: 'createdAt', header: 'since' },
  ]);
}

/** The addresses of a CSV file: the "email" column when there is a header, else the first column. */
export function parseAddressCsv(text: string): string[] {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const first = lines[0]?.split(',').map((c) => c.trim().replace(/^"|"$/g, '').toLowerCase()) ?? [];
  const column = first.includes('email') ? first.indexOf('email') : 0;
  const body = first.includes('email') ? lines.slice(1) : lines;
  return body.map((l) => (l.split(',')[column] ?? '').trim().replace(/^"|"$/g, ''));
}

export async function suppressionsImport(
  s: Session,
  o: { stream?: string; dryRun?: boolean },
  [file = '']: string[],
): Promise<void> {
  const entries = parseAddressCsv(await readLocalFile(file, 'suppressions import'));
  const seen = new Set<string>();
  const valid: string[] = [];
  const invalid: string[] = [];
  let duplicates = 0;
  for (const entry of entries) {
    const email = entry.toLowerCase();
    if (!EMAIL.test(email)) invalid.push(entry);
    else if (seen.has(email)) duplicates++;
    else {
      seen.add(email);
      valid.push(email);
    }
  }
  if (o.dryRun) {
    const client = await s.client();
    let already = 0;
    for (const email of valid)
      if ((await client.suppressions.check(email, {}, { signal: s.ctx.signal })).suppressed) already++;
    const report = { adds: valid.length - already, alreadySuppressed: already, duplicates, invalid };
    s.out.result(
      report,
      `would add ${report.adds}, ${already} already suppressed, ${duplicates} duplicates, ${invalid.length} invalid`,
    );
  } else {
    const result = valid.length > 0 ? await addAll(s, valid, o.stream) : { created: 0, existing: 0 };
    const report = { ...result, duplicates, invalid };
    s.out.result(
      report,
      `added ${result.created}, ${result.existing} already suppressed, ${duplicates} duplicates, ${invalid.length} invalid`,
    );
  }
  // A dry run fails as the import would: the invalid rows are exit 7 either way.
  if (invalid.length > 0) {
    throw new PartialFailureError(
      `${invalid.length} invalid entries skipped`,
      invalid.map((email) => ({ email, status: 'invalid' })),
    );
  }
}

export async function suppressionsExport(s: Session, o: { out?: string }): Promise<void> {
  if (o.out) await assertWritableTarget(o.out, '--out');
  const client = await s.client();
  const rows: Suppression[] = [];
  for await (const row of client.suppressions.list({ limit: 500 }, { signal: s.ctx.signal })) rows.push(row);
  const fields = [
    'email',
    'reason',
    'stream',
    'origin',
    'createdAt',
    'bounceType',
    'enhancedCode',
    'diagnostic',
  ] as const;
  const csv = toCsv(
    fields,
    rows.map((r) => fields.map((f) => r[f])),
  );
  if (o.out) {
    await writeFileAtomic(o.out, csv, { mode: 0o644 });
    s.out.note(`wrote ${rows.length} suppressions to ${o.out}`);
  } else s.ctx.stdout.write(csv);
}
