import { Command, Option } from 'commander';
import type { CliContext } from './context.js';
import type { Session } from './session.js';
import { VERSION } from './version.js';

/** A command body: typed options, the positional arguments, and the session (context + settings + printer). */
export type Runner = (session: Session, options: never, args: string[], command: Command) => Promise<void>;

type Loader = () => Promise<Runner>;

const collect = (value: string, previous: string[] = []) => [...previous, value];

function action(ctx: CliContext, load: Loader) {
  return async (...params: unknown[]) => {
    const command = params[params.length - 1] as Command;
    const args = params
      .slice(0, -2)
      .flatMap((a) => (Array.isArray(a) ? a.map(String) : a === undefined ? [] : [String(a)]));
    const [{ openSession }, run] = await Promise.all([import('./session.js'), load()]);
    const session = await openSession(ctx, command.optsWithGlobals());
    try {
      await (run as (s: Session, o: unknown, a: string[], c: Command) => Promise<void>)(
        session,
        command.opts(),
        args,
        command,
      );
    } finally {
      await session.close();
    }
  };
}

function listOptions(command: Command): Command {
  return command
    .option('--limit <n>', 'items per page (max 500)')
    .option('--cursor <cursor>', 'start at this page cursor')
    .option('--all', 'fetch every page')
    .option('--since <time>', 'ISO timestamp, date, or a duration back from now (7d)')
    .option('--until <time>', 'ISO timestamp, date, or a duration back from now');
}

/** The whole command tree of cli.md with decisions.md's vocabulary. Nothing here loads the SDK. */
export function createProgram(ctx: CliContext): Command {
  const program = new Command('mailplatform')
    .description(
      'Send test mail, read statistics and bounces, manage templates and webhooks, run the local sandbox',
    )
    .version(VERSION, '-v, --version', 'print the version')
    .option('-p, --profile <name>', 'select a profile')
    .option('--api-key <key>', 'per-invocation API key (visible in `ps`; prefer MAILPLATFORM_API_KEY)')
    .option('--base-url <url>', 'API origin, e.g. http://127.0.0.1:4400')
    .option('--live', 'assert a live-mode key (mismatch: exit 4)')
    .option('--test', 'assert a test-mode key (mismatch: exit 4)')
    .addOption(
      new Option('-o, --output <mode>', 'output mode').choices(['table', 'plain', 'json', 'jsonl', 'csv']),
    )
    .option('--json [fields]', 'JSON output, optionally only these comma-separated fields')
    .option('--csv [fields]', 'CSV output (RFC 4180), optionally only these fields')
    .option('-q, --quiet', 'no progress output; JSON on stdout')
    .addOption(new Option('--color <when>', 'colour').choices(['always', 'never', 'auto']))
    .option('--no-color', 'disable colour')
    .option('--no-input', 'never prompt')
    .option('-y, --yes', 'accept confirmations')
    .option('--timeout <duration>', 'per-attempt timeout (30s)')
    .option('--max-retries <n>', 'retry count')
    .option(
      '--debug [what]',
      'redacted HTTP diagnostics on stderr: method, URL, status, attempt, ms, request id (what: http)',
    )
    .option('--config <path>', 'config file location')
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.stdout.write(text),
      writeErr: (text) => ctx.stderr.write(text),
      outputError: () => undefined,
    });
  const run = (load: Loader) => action(ctx, load);

  program
    .command('login')
    .description('store an API key for a profile (from stdin with --with-token, else a prompt)')
    .option('--with-token', 'read the key from stdin')
    .action(run(async () => (await import('./commands/auth.js')).login));
  program
    .command('logout')
    .description('remove the stored key of the profile')
    .option('--all', 'remove every stored key')
    .action(run(async () => (await import('./commands/auth.js')).logout));
  program
    .command('whoami')
    .description('the account, the key (prefix and last 4) and where it came from')
    .action(run(async () => (await import('./commands/auth.js')).whoami));

  program
    .command('send')
    .description('send one test mail (or --count N) over the API or the SMTP relay')
    .option('--to <address>', 'recipient (repeatable)', collect)
    .option('--cc <address>', 'cc recipient (repeatable)', collect)
    .option('--bcc <address>', 'bcc recipient (repeatable)', collect)
    .option('--reply-to <address>', 'reply-to address (repeatable)', collect)
    .option('--from <address>', 'sender, "Name <addr>" allowed (default: the profile\'s defaultFrom)')
    .option('--subject <text>', 'subject')
    .option('--text <text>', 'text body')
    .option('--html <html>', 'HTML body')
    .option('--text-file <path>', 'text body from a file')
    .option('--html-file <path>', 'HTML body from a file')
    .option('--template <alias>', 'send a stored template')
    .option('--data <json>', 'template data: JSON or @file.json')
    .option('--attach <path>', 'attachment: path[;type=…;cid=…;filename=…] (repeatable)', collect)
    .option('--tag <name>', 'one tag, used to group statistics')
    .option('--metadata <k=v>', 'metadata entry (repeatable)', collect)
    .option('--header <K:V>', 'extra header (repeatable)', collect)
    .option('--stream <stream>', 'message stream (transactional, broadcast)')
    .option('--idempotency-key <key>', 'idempotency key (default: generated per message)')
    .addOption(
      new Option('--via <channel>', 'send over the API or the SMTP relay')
        .choices(['api', 'smtp'])
        .default('api'),
    )
    .option(
      '--smtp-url <url>',
      "with --via smtp: the relay, smtp://[user@]host[:port] or smtps://… (default: MAILPLATFORM_SMTP_URL, the profile's smtpUrl, smtp.mailplatform.dk:587)",
    )
    .option('--dry-run', 'print the request (key redacted) and send nothing')
    .option('--trace', 'print a transcript of the request on stderr (key redacted)')
    .option('--count <n>', 'send N copies (a bounded load test; more than 10 needs --yes)')
    .option('--concurrency <n>', 'parallel sends with --count', '4')
    .action(run(async () => (await import('./commands/send.js')).send));

  const messages = program.command('messages').description('sent messages');
  listOptions(
    messages
      .command('list')
      .alias('ls')
      .description('search sent messages')
      .option('--to <address>', 'recipient')
      .option('--from <address>', 'sender')
      .option('--subject <text>', 'subject')
      .option('--tag <name>', 'tag')
      .option('--stream <stream>', 'stream')
      .option('--status <status>', 'status'),
  ).action(run(async () => (await import('./commands/messages.js')).messagesList));
  messages
    .command('get <id>')
    .description('one message with per-recipient status')
    .action(run(async () => (await import('./commands/messages.js')).messagesGet));
  messages
    .command('events <id>')
    .description('the timeline of one message')
    .action(run(async () => (await import('./commands/messages.js')).messagesEvents));
  messages
    .command('raw <id>')
    .description('the MIME exactly as sent')
    .option('--save <file>', 'write it to a file instead of stdout')
    .action(run(async () => (await import('./commands/messages.js')).messagesRaw));

  program
    .command('stats')
    .description(
      'counts and rates, as totals, a time series or a breakdown (csv and jsonl carry the series or group rows only; the totals are in --json and the table)',
    )
    .addOption(new Option('--period <period>', 'the last 24h, 7d or 30d').choices(['24h', '7d', '30d']))
    .option('--since <time>', 'start (ISO timestamp, date, or 7d)')
    .option('--until <time>', 'end')
    .addOption(new Option('--interval <interval>', 'bucket size').choices(['hour', 'day', 'week', 'month']))
    .addOption(
      new Option('--group-by <dimension>', 'breakdown').choices(['tag', 'stream', 'domain', 'bounce-type']),
    )
    .option('--tag <name>', 'only this tag')
    .option('--stream <stream>', 'only this stream')
    .option('--timezone <zone>', 'IANA time zone of the buckets (default UTC)')
    .option('--metrics <list>', 'counters to show, comma-separated')
    .option('--chart', 'bars on a TTY')
    .action(run(async () => (await import('./commands/stats.js')).stats));

  const bounces = program.command('bounces').description('bounce records');
  listOptions(
    bounces
      .command('list')
      .alias('ls')
      .description('bounces, newest first')
      .addOption(
        new Option('--class <class>', 'bounce class').choices(['hard', 'soft', 'block', 'undetermined']),
      )
      .option('--type <type>', 'bounce type, e.g. mailbox_not_found')
      .option('--stream <stream>', 'stream'),
  ).action(run(async () => (await import('./commands/bounces.js')).bouncesList));

  const suppressions = program.command('suppressions').description('the suppression list');
  listOptions(
    suppressions
      .command('list')
      .alias('ls')
      .description('suppressed addresses')
      .addOption(
        new Option('--reason <reason>', 'reason').choices([
          'hard_bounce',
          'soft_bounce_repeated',
          'spam_complaint',
          'unsubscribe',
          'manual',
        ]),
      )
      .option('--stream <stream>', 'stream'),
  ).action(run(async () => (await import('./commands/suppressions.js')).suppressionsList));
  suppressions
    .command('add <address...>')
    .description('suppress addresses (reason manual)')
    .option('--stream <stream>', 'stream')
    .action(run(async () => (await import('./commands/suppressions.js')).suppressionsAdd));
  suppressions
    .command('remove <address...>')
    .description('reactivate addresses')
    .option('--stream <stream>', 'stream')
    .option('--force', 'also remove spam complaints (logged)')
    .action(run(async () => (await import('./commands/suppressions.js')).suppressionsRemove));
  suppressions
    .command('check <address...>')
    .description('is the address suppressed, and why')
    .action(run(async () => (await import('./commands/suppressions.js')).suppressionsCheck));
  suppressions
    .command('import <file>')
    .description('add the addresses of a CSV file (first column or "email"); idempotent')
    .option('--stream <stream>', 'stream')
    .option('--dry-run', 'report adds, duplicates and invalid entries only')
    .action(run(async () => (await import('./commands/suppressions.js')).suppressionsImport));
  suppressions
    .command('export')
    .description('the whole list as CSV')
    .option('--out <file>', 'write to a file (atomically) instead of stdout')
    .action(run(async () => (await import('./commands/suppressions.js')).suppressionsExport));

  const reports = program.command('reports').description('asynchronous exports');
  reports
    .command('export')
    .description('create an export job; with --wait, download the file when it is ready')
    .addOption(
      new Option('--type <type>', 'what to export')
        .choices(['invalid_addresses', 'bounces', 'events', 'stats', 'suppressions'])
        .makeOptionMandatory(),
    )
    .addOption(new Option('--format <format>', 'file format').choices(['csv', 'ndjson']).default('csv'))
    .option('--since <time>', 'start')
    .option('--until <time>', 'end')
    .option('--stream <stream>', 'only this stream')
    .option('--timezone <zone>', 'IANA time zone')
    .option('--out <file>', 'where to write the file (needs --wait)')
    .option('--wait', 'poll until the export is ready and download it')
    .option('--poll-interval <duration>', 'time between polls', '2s')
    .option('--wait-timeout <duration>', 'give up after this long (exit 3)', '10m')
    .action(run(async () => (await import('./commands/reports.js')).reportsExport));

  const templates = program.command('templates').description('stored templates and layouts');
  listOptions(
    templates
      .command('list')
      .alias('ls')
      .description('templates and layouts')
      .option('--search <text>', 'substring of alias or name'),
  ).action(run(async () => (await import('./commands/templates.js')).templatesList));
  templates
    .command('get <alias>')
    .description('one template with its content')
    .action(run(async () => (await import('./commands/templates.js')).templatesGet));
  templates
    .command('pull <dir>')
    .description('write every template to <dir>/<alias>/ (template.json, content.html, content.txt)')
    .option('--only <aliases>', 'only these aliases, comma-separated')
    .option('--overwrite', 'replace existing local files')
    .action(run(async () => (await import('./commands/templates.js')).templatesPull));
  templates
    .command('push <dir>')
    .description('create or update the templates of <dir>, layouts first; exit 7 if any fails')
    .option('--only <aliases>', 'only these aliases, comma-separated')
    .option('--dry-run', 'say what would change and change nothing')
    .action(run(async () => (await import('./commands/templates.js')).templatesPush));
  templates
    .command('render <alias>')
    .description('render with data on the platform (nothing is sent)')
    .option('--data <json>', 'template data: JSON or @file.json')
    .option('--template-version <n>', 'render this version (default: the latest)')
    .action(run(async () => (await import('./commands/templates.js')).templatesRender));
  templates
    .command('preview <alias>')
    .description('serve the rendered html locally, re-rendered by the platform on every reload')
    .option('--data <json>', 'template data: JSON or @file.json')
    .option('--port <port>', 'local port (0 picks a free one)', '3005')
    .action(run(async () => (await import('./commands/templates.js')).templatesPreview));

  const webhooks = program
    .command('webhooks')
    .description('webhook endpoints, local forwarding and signature checks');
  webhooks
    .command('list')
    .alias('ls')
    .description('webhook endpoints')
    .action(run(async () => (await import('./commands/webhooks.js')).webhooksList));
  webhooks
    .command('create')
    .description('register an endpoint; prints its secret once')
    .requiredOption('--url <url>', 'endpoint URL')
    .option('--events <types>', 'event types, comma-separated (default: all)')
    .option('--description <text>', 'description')
    .action(run(async () => (await import('./commands/webhooks.js')).webhooksCreate));
  webhooks
    .command('delete <id>')
    .description('remove an endpoint')
    .action(run(async () => (await import('./commands/webhooks.js')).webhooksDelete));
  webhooks
    .command('test <id>')
    .description('ask the platform to send a test event (message.delivered) to an endpoint')
    .action(run(async () => (await import('./commands/webhooks.js')).webhooksTest));
  webhooks
    .command('trigger <event-type>')
    .description('cause a real event by sending to a simulator address (test keys)')
    .option('--from <address>', 'sender')
    .action(run(async () => (await import('./commands/webhooks.js')).webhooksTrigger));
  webhooks
    .command('listen')
    .description('relay the platform event stream (SSE) to a local URL, re-signed with a new local secret')
    .option('--forward-to <url>', 'POST each event here (without it, only print the events)')
    .option('--events <types>', 'only these event types, comma-separated')
    .option('--max-backoff <duration>', 'longest wait between reconnects', '10s')
    .action(run(async () => (await import('./commands/webhooks-listen.js')).webhooksListen));
  webhooks
    .command('verify')
    .description('check a webhook signature offline and say why it fails (exit 9)')
    .option(
      '--secret <secret>',
      'whsec_ secret (default: MAILPLATFORM_WEBHOOK_SECRET, comma-separated for rotation)',
    )
    .requiredOption('--payload <file>', 'the raw body: a file, or - for stdin')
    .option(
      '--header <header>',
      "'name: value' (repeatable): webhook-id, webhook-timestamp, webhook-signature",
      collect,
    )
    .option('--tolerance <seconds>', 'accepted clock skew', '300')
    .action(run(async () => (await import('./commands/webhooks-verify.js')).webhooksVerify));

  program
    .command('dev')
    .description('run the local sandbox: HTTP API, SMTP catcher, inbox; writes a "sandbox" profile')
    .option('--port <port>', 'HTTP port', '4400')
    .option('--smtp-port <port>', 'SMTP port', '4425')
    .option('--smtps-port <port|off>', 'implicit-TLS SMTP port (0 = a free port, off = none)', '4465')
    .option('--data-dir <dir>', 'persist to SQLite in this directory')
    .option('--demo', 'seed a layout and a template, send a mix of mail to the simulator, print the results')
    .option('--exit', 'with --demo: exit after printing instead of serving')
    .action(run(async () => (await import('./commands/dev.js')).dev));

  program
    .command('doctor')
    .description(
      'check the config, the key, the API, the clock, the SMTP relay and the DNS of a sender domain (exit 8 on a fail)',
    )
    .option('--domain <domain>', 'check SPF, DKIM and DMARC of this sender domain')
    .option('--dkim-selector <selector>', 'DKIM selector', 'mp')
    .option('--smtp', 'probe the SMTP relay: connect, EHLO, TLS (STARTTLS or 465), AUTH with the key')
    .option('--smtp-url <url>', 'with --smtp: the relay to probe (as send --smtp-url)')
    .action(run(async () => (await import('./commands/doctor.js')).doctor));

  const config = program.command('config').description('settings of the user config');
  config
    .command('get <key>')
    .description('one setting of the active profile')
    .action(run(async () => (await import('./commands/config.js')).configGet));
  config
    .command('set <key> <value>')
    .description('change a setting of the active profile')
    .action(run(async () => (await import('./commands/config.js')).configSet));
  config
    .command('unset <key>')
    .description('remove a setting of the active profile')
    .action(run(async () => (await import('./commands/config.js')).configUnset));
  config
    .command('list')
    .alias('ls')
    .description('every setting with its value and source')
    .action(run(async () => (await import('./commands/config.js')).configList));
  config
    .command('path')
    .description('where the config and credentials files are')
    .action(run(async () => (await import('./commands/config.js')).configPath));
  const profiles = config.command('profiles').description('named profiles');
  profiles
    .command('list')
    .alias('ls')
    .description('profiles, the active one marked')
    .action(run(async () => (await import('./commands/config.js')).profilesList));
  profiles
    .command('use <name>')
    .description('make a profile the active one')
    .action(run(async () => (await import('./commands/config.js')).profilesUse));

  program
    .command('completion')
    .description('a shell completion script')
    .addArgument(
      new Command().createArgument('<shell>', 'bash, zsh or fish').choices(['bash', 'zsh', 'fish']),
    )
    .action(run(async () => (await import('./commands/completion.js')).completion));

  return program;
}
