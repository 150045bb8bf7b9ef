import type { DnsResolver } from '../context.js';
import { CheckFailedError } from '../errors.js';
import type { Session } from '../session.js';

export interface DoctorOptions {
  domain?: string;
  dkimSelector: string;
  smtp?: boolean;
}

const SMTP_TIMEOUT_MS = 10_000;

export interface Check {
  [key: string]: unknown;
  check: string;
  status: 'pass' | 'warn' | 'fail';
  detail: string;
}

const MAX_SKEW_SECONDS = 60;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** TXT records of `name` joined per record; an absent name is an empty list, not an error. */
async function txt(resolver: DnsResolver, name: string): Promise<string[]> {
  try {
    return (await resolver.resolveTxt(name)).map((parts) => parts.join(''));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOTFOUND' || code === 'ENODATA') return [];
    throw error;
  }
}

export async function dnsChecks(resolver: DnsResolver, domain: string, selector: string): Promise<Check[]> {
  const checks: Check[] = [];
  const record = async (check: string, name: string, pattern: RegExp, missing: string) => {
    try {
      const found = (await txt(resolver, name)).filter((r) => pattern.test(r));
      if (found.length === 1) checks.push({ check, status: 'pass', detail: `${name}: ${found[0]}` });
      else if (found.length > 1)
        checks.push({
          check,
          status: 'fail',
          detail: `${name} has ${found.length} records; exactly one is allowed`,
        });
      else checks.push({ check, status: 'fail', detail: `no record at ${name}: ${missing}` });
    } catch (error) {
      checks.push({ check, status: 'fail', detail: `${name}: ${message(error)}` });
    }
  };
  await record('SPF', domain, /^v=spf1\b/i, 'add a TXT record "v=spf1 include:… ~all"');
  await record('DKIM', `${selector}._domainkey.${domain}`, /\bp=/, 'add the DKIM key shown for the domain');
  await record(
    'DMARC',
    `_dmarc.${domain}`,
    /^v=DMARC1\b/i,
    'add a TXT record "v=DMARC1; p=none; rua=mailto:…"',
  );
  const dmarc = checks.at(-1);
  if (dmarc?.status === 'pass' && /\bp=none\b/i.test(dmarc.detail)) {
    dmarc.status = 'warn';
    dmarc.detail += ' (p=none only monitors)';
  }
  return checks;
}

/** A table of checks; exit 8 when any fails. */
export async function doctor(s: Session, o: DoctorOptions): Promise<void> {
  const { ctx } = s;
  const checks: Check[] = [];
  checks.push(
    s.settings.store.warnings.length > 0
      ? { check: 'credentials file', status: 'fail', detail: s.settings.store.warnings.join('; ') }
      : {
          check: 'credentials file',
          status: 'pass',
          detail: `${s.settings.store.paths.credentials} is private or absent`,
        },
  );
  let options: ReturnType<Session['clientOptions']> | undefined;
  try {
    options = s.clientOptions();
    checks.push({ check: 'API key', status: 'pass', detail: `from ${s.settings.apiKey?.source}` });
  } catch (error) {
    checks.push({ check: 'API key', status: 'fail', detail: message(error) });
  }
  if (options) {
    const base = `${options.baseUrl?.replace(/\/v1\/?$/, '').replace(/\/$/, '')}`;
    try {
      const sentAt = ctx.now().getTime();
      const response = await (ctx.fetch ?? fetch)(`${base}/v1/me`, {
        headers: { authorization: `Bearer ${options.apiKey}` },
        signal: ctx.signal,
      });
      await response.body?.cancel();
      const receivedAt = ctx.now().getTime();
      checks.push({
        check: 'API reachable',
        status: 'pass',
        detail: `${base} answered HTTP ${response.status}`,
      });
      const date = response.headers.get('date');
      if (!date)
        checks.push({ check: 'clock skew', status: 'warn', detail: 'the response has no Date header' });
      else {
        const skew = Math.round((Date.parse(date) - (sentAt + receivedAt) / 2) / 1000);
        checks.push({
          check: 'clock skew',
          status: Math.abs(skew) > MAX_SKEW_SECONDS ? 'fail' : 'pass',
          detail: `${skew >= 0 ? '+' : ''}${skew} s against the platform${Math.abs(skew) > MAX_SKEW_SECONDS ? ': webhook verification will fail; check NTP' : ''}`,
        });
      }
      try {
        const client = await s.client();
        const account = (await client.account.get({ signal: ctx.signal })) as Record<string, unknown>;
        checks.push({
          check: 'key valid',
          status: 'pass',
          detail: `${String(account.mode ?? '')} key accepted`.trim(),
        });
      } catch (error) {
        checks.push({ check: 'key valid', status: 'fail', detail: message(error) });
      }
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      checks.push({ check: 'API reachable', status: 'fail', detail: `${base}: ${message(error)}` });
    }
  }
  if (o.smtp) {
    if (!options) checks.push({ check: 'SMTP relay', status: 'fail', detail: 'no API key to AUTH with' });
    else {
      const { probeSmtp } = await import('../smtp-probe.js');
      const port = options.smtp?.port ?? 587;
      checks.push(
        ...(await probeSmtp({
          host: options.smtp?.host ?? 'smtp.mailplatform.dk',
          port,
          secure: port === 465,
          user: options.smtp?.user ?? 'apikey',
          password: options.apiKey,
          signal: ctx.signal,
          timeoutMs: s.settings.timeout ?? SMTP_TIMEOUT_MS,
        })),
      );
    }
  }
  if (o.domain) {
    const resolver = ctx.loadResolver ? await ctx.loadResolver() : undefined;
    if (!resolver) checks.push({ check: 'DNS', status: 'fail', detail: 'no DNS resolver available' });
    else checks.push(...(await dnsChecks(resolver, o.domain, o.dkimSelector)));
  }
  if (s.out.settings.mode === 'json') s.out.object({ ok: !checks.some((c) => c.status === 'fail'), checks });
  else {
    const paint = s.out.paint;
    const colored = checks.map((c) => ({
      ...c,
      status:
        c.status === 'pass'
          ? paint.green('pass')
          : c.status === 'warn'
            ? paint.yellow('warn')
            : paint.red('FAIL'),
    }));
    s.out.list(s.out.settings.mode === 'table' ? colored : checks, [
      { key: 'check' },
      { key: 'status' },
      { key: 'detail' },
    ]);
  }
  const failed = checks.filter((c) => c.status === 'fail');
  if (failed.length > 0)
    throw new CheckFailedError(`${failed.length} check(s) failed: ${failed.map((c) => c.check).join(', ')}`);
}
