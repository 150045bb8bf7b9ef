import type { CliClient } from '../client.js';
import type { DnsResolver } from '../context.js';
import { CheckFailedError, UsageError } from '../errors.js';
import type { Session } from '../session.js';
import { effectiveRelay } from '../smtp-url.js';

export interface DoctorOptions {
  domain?: string;
  dkimSelector: string;
  smtp?: boolean;
}

const SMTP_TIMEOUT_MS = 10_000;
const CLOCK_TIMEOUT_MS = 10_000;

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

/**
 * `GET /v1/me` through the SDK (its base URL, timeouts, retries, User-Agent): an `ApiError` means the
 * API answered but refused the key; anything else means it was not reached. The SDK does not expose
 * response headers, so the clock is read from the `Date` of one raw, unauthenticated `HEAD` request.
 */
async function apiChecks(s: Session, client: CliClient): Promise<Check[]> {
  const { ctx } = s;
  const base = client.baseUrl;
  const { ApiError } = await import('@mailplatform/sdk');
  const checks: Check[] = [];
  let keyCheck: Check;
  try {
    const account = await client.account.get({ signal: ctx.signal });
    checks.push({ check: 'API reachable', status: 'pass', detail: `${base} answered` });
    keyCheck = { check: 'key valid', status: 'pass', detail: `${account.mode} key accepted` };
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    if (!(error instanceof ApiError)) {
      checks.push({ check: 'API reachable', status: 'fail', detail: `${base}: ${message(error)}` });
      return checks;
    }
    checks.push({ check: 'API reachable', status: 'pass', detail: `${base} answered HTTP ${error.status}` });
    keyCheck = { check: 'key valid', status: 'fail', detail: message(error) };
  }
  checks.push(await clockSkew(s, base), keyCheck);
  return checks;
}

async function clockSkew(s: Session, base: string): Promise<Check> {
  const { ctx } = s;
  const check = 'clock skew';
  const timeoutMs = s.settings.timeout ?? CLOCK_TIMEOUT_MS;
  let date: string | null;
  const sentAt = ctx.now().getTime();
  try {
    const response = await (ctx.fetch ?? fetch)(`${base}/v1/me`, {
      method: 'HEAD',
      signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]),
    });
    await response.body?.cancel();
    date = response.headers.get('date');
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    return { check, status: 'warn', detail: `no Date to compare: ${message(error)}` };
  }
  const receivedAt = ctx.now().getTime();
  if (!date) return { check, status: 'warn', detail: 'the response has no Date header' };
  const skew = Math.round((Date.parse(date) - (sentAt + receivedAt) / 2) / 1000);
  const off = Math.abs(skew) > MAX_SKEW_SECONDS;
  return {
    check,
    status: off ? 'fail' : 'pass',
    detail: `${skew >= 0 ? '+' : ''}${skew} s against the platform${off ? ': webhook verification will fail; check NTP' : ''}`,
  };
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
    if (error instanceof UsageError) throw error;
    checks.push({ check: 'API key', status: 'fail', detail: message(error) });
  }
  if (options) {
    let client: CliClient | undefined;
    try {
      client = await s.client();
    } catch (error) {
      checks.push({ check: 'API reachable', status: 'fail', detail: message(error) });
    }
    if (client) checks.push(...(await apiChecks(s, client)));
  }
  if (o.smtp) {
    if (!options) checks.push({ check: 'SMTP relay', status: 'fail', detail: 'no API key to AUTH with' });
    else {
      const [{ probeSmtp }, relay] = await Promise.all([
        import('../smtp-probe.js'),
        effectiveRelay(options.apiKey, options.smtp),
      ]);
      checks.push(
        ...(await probeSmtp({
          ...relay,
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
