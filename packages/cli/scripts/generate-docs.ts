// Writes docs/cli.md from the commander definitions (`--check`: exit 1 when the file is stale).
// Run: node --conditions=source --import tsx packages/cli/scripts/generate-docs.ts [--check]
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CommandNode, commandTree, flattenTree, type OptionNode } from '../src/command-tree.js';
import type { CliContext } from '../src/context.js';
import { ExitCode } from '../src/exit-codes.js';
import { createProgram } from '../src/program.js';

const EXAMPLES: Record<string, string[]> = {
  login: ['mailplatform login', 'mailplatform login --with-token --profile ci < key.txt'],
  whoami: ['mailplatform whoami --json'],
  send: [
    'mailplatform send --to kunde@example.dk --from "Shop <ordre@shop.dk>" --subject "Tak for din ordre" --text "Hej Åse"',
    'mailplatform send --to kunde@example.dk --template order-confirmation --data @order.json --tag order-confirmation',
    'mailplatform send --via smtp --trace --to delivered@sim.mailplatform.test --subject Test --text Hej',
    'mailplatform send --dry-run --json --to a@example.dk --subject S --text T',
  ],
  'messages list': [
    'mailplatform messages list --to kunde@example.dk --since 7d',
    'mailplatform messages ls --tag order --all -o jsonl',
  ],
  'messages raw': ['mailplatform messages raw msg_01J... --save message.eml'],
  stats: [
    'mailplatform stats --period 7d',
    'mailplatform stats --since 30d --group-by domain --csv',
    'mailplatform stats --interval day --chart',
  ],
  'bounces list': ['mailplatform bounces list --class hard --since 7d'],
  'suppressions import': ['mailplatform suppressions import old-list.csv --dry-run'],
  'reports export': ['mailplatform reports export --type invalid_addresses --wait --out invalid.csv'],
  'templates pull': ['mailplatform templates pull templates/'],
  'templates push': [
    'mailplatform templates push templates/ --dry-run',
    'mailplatform templates push templates/ --json',
  ],
  'templates render': ['mailplatform templates render order-confirmation --data \'{"orderNo":"1042"}\''],
  'templates preview': ['mailplatform templates preview order-confirmation --data @order.json --port 3005'],
  'webhooks listen': [
    'mailplatform webhooks listen --forward-to http://localhost:3000/webhooks/mailplatform',
  ],
  'webhooks verify': [
    "mailplatform webhooks verify --secret whsec_... --payload body.json --header 'webhook-id: msg_...' --header 'webhook-timestamp: 1741939204' --header 'webhook-signature: v1,...'",
  ],
  'webhooks trigger': ['mailplatform webhooks trigger message.bounced --from ordre@shop.dk'],
  dev: ['mailplatform dev', 'mailplatform dev --demo', 'mailplatform dev --data-dir .mailplatform/dev'],
  doctor: ['mailplatform doctor --domain shop.dk', 'mailplatform doctor --smtp'],
  completion: ['mailplatform completion bash > /etc/bash_completion.d/mailplatform'],
};

const NOTES: Record<string, string> = {
  send: "`--trace` writes the exchange to stderr with the key redacted. Over the API: method, URL, status, attempt, time and request id. Over SMTP (`--via smtp`): the whole dialogue, swaks-style (` -> ` client, `<-  ` server, `===` notes), with every AUTH line shown as `AUTH PLAIN [redacted]`. With `--count`, a TTY stderr shows a progress line and each result row carries its idempotency key (`<key>:<index>` with `--idempotency-key`). The relay for `--via smtp` is `--smtp-url`, else MAILPLATFORM_SMTP_URL, else the profile's `smtpUrl` (`mailplatform config set smtpUrl smtp://…`), else smtp.mailplatform.dk:587; a malformed URL exits 2. A failed send prints the idempotency key it used (`idempotency key: mpk_…`; `idempotencyKey` in the JSON error): resending with `--idempotency-key` and that key cannot send twice.",
  doctor:
    "`--smtp` opens one session to the relay (the relay `send --via smtp` uses: `--smtp-url`, else MAILPLATFORM_SMTP_URL, else the profile's `smtpUrl`, else smtp.mailplatform.dk:587) and reports each step: connect (the greeting), EHLO (the extensions), TLS (implicit on 465, else STARTTLS when offered; required unless the relay is on loopback, where the sandbox's self-signed certificate is accepted), and AUTH PLAIN with the API key as password. No mail is sent. Any failing step exits 8.",
  'reports export':
    'With `--wait`, a spinner on stderr shows the job status while it runs (only on a terminal; never with `--quiet` or `TERM=dumb`). `--out` writes the file atomically (a temp file in the same directory, then a rename), exactly as downloaded.',
  'templates pull':
    'Each template becomes `<dir>/<alias>/template.json` (alias, name, subject, `layout: true` for a layout, `layoutAlias` for a template that uses one, locale, timezone) plus `content.html` and `content.txt`.',
  'templates push':
    'Layouts go first: a template is a layout when its `template.json` says `"layout": true` or its html has the `{{{body}}}` slot. A template names its layout by `layoutAlias`. Each item is created, updated (only changed fields; a new version), left unchanged, or failed; one failure does not stop the rest, and any failure exits 7. `--json` prints `{dryRun, results: [{alias, layout, status, version, error}]}`.',
  dev: 'Writes a `sandbox` profile (base URL, SMTP host and port; the key in the 0600 credentials file) and shows the key redacted. The sandbox namespace is derived from the key, so with `--data-dir` the key is kept in `<data dir>/cli-api-key` (0600) and reused, which makes the data browsable on the next start. `--demo` seeds a Danish order-confirmation layout and template, sends twelve messages to the simulator (sim.mailplatform.test) over the API and the SMTP relay, advances the sandbox clock 73 h so soft bounces finish, and prints the statistics, the bounces and the invalid addresses.',
  'webhooks listen':
    'Reads the platform event stream (`GET /v1/events/stream`, Server-Sent Events, resumed with `Last-Event-ID`), signs each event with a new local `whsec_` secret (printed once: give it to your local handler) and POSTs it with Standard Webhooks headers. Reconnects with backoff; Ctrl-C exits 130.',
};

function optionLine(o: OptionNode): string {
  const extras: string[] = [];
  if (o.choices) extras.push(`one of ${o.choices.map((c) => `\`${c}\``).join(', ')}`);
  if (o.defaultValue !== undefined && o.defaultValue !== false)
    extras.push(`default \`${String(o.defaultValue)}\``);
  if (o.required) extras.push('required');
  const text = extras.length > 0 ? `${o.description} (${extras.join('; ')})` : o.description;
  return `| \`${o.flags.replaceAll('|', '\\|')}\` | ${text.replaceAll('|', '\\|')} |`;
}

function section(node: CommandNode): string[] {
  const name = node.path.join(' ');
  const lines = [
    `### \`mailplatform ${name}${node.usage ? ` ${node.usage}` : ''}\``,
    '',
    `${node.description}.`,
  ];
  if (node.aliases.length > 0) lines.push('', `Alias: ${node.aliases.map((a) => `\`${a}\``).join(', ')}.`);
  if (NOTES[name]) lines.push('', NOTES[name]);
  const options = node.options.filter((o) => o.long !== '--help');
  if (options.length > 0) lines.push('', '| option | meaning |', '| --- | --- |', ...options.map(optionLine));
  const examples = EXAMPLES[name];
  if (examples) lines.push('', '```sh', ...examples, '```');
  lines.push('');
  return lines;
}

function renderDocs(root: CommandNode): string {
  const commands = flattenTree(root).filter(
    (n) => n.path.length > 0 && (n.children.length === 0 || n.options.length > 0),
  );
  const lines = [
    '# `mailplatform` command reference',
    '',
    '<!-- Generated by packages/cli/scripts/generate-docs.ts from the commander definitions; do not edit by hand. -->',
    '',
    `${root.description}.`,
    '',
    '## Global options',
    '',
    '| option | meaning |',
    '| --- | --- |',
    ...root.options.map(optionLine),
    '',
    'Output modes: `table` on a terminal, `plain` (TSV, no header) when piped, `json`, `jsonl`, `csv` (RFC 4180). Errors always go to stderr (a JSON document in machine modes). Keys and secrets are shown as prefix and last four characters. When the reader of a pipe goes away (`| head`), the command stops quietly with exit 0, as gh does.',
    '',
    '## Exit codes',
    '',
    '| code | name |',
    '| --- | --- |',
    ...Object.entries(ExitCode).map(([name, code]) => `| ${code} | ${name} |`),
    '',
    '## Commands',
    '',
    ...commands.flatMap(section),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}

/** A context that is never used to run anything: the tree only needs the definitions. */
function inertContext(): CliContext {
  return {
    stdout: { write: () => true },
    stderr: { write: () => true },
    stdin: (async function* () {})(),
    env: {},
    isTTY: false,
    stderrIsTTY: false,
    stdinIsTTY: false,
    columns: 80,
    cwd: '/',
    platform: 'linux',
    homeDir: '/',
    now: () => new Date(0),
    signal: new AbortController().signal,
    createClient: () => Promise.reject(new Error('docs generation never calls the API')),
  };
}

async function main(): Promise<void> {
  const target = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'cli.md');
  const text = renderDocs(commandTree(createProgram(inertContext())));
  if (process.argv.includes('--check')) {
    const current = await readFile(target, 'utf8').catch(() => '');
    if (current !== text) {
      process.stderr.write(
        `${target} is stale: run node --conditions=source --import tsx packages/cli/scripts/generate-docs.ts\n`,
      );
      process.exitCode = 1;
    }
    return;
  }
  await writeFile(target, text);
  process.stdout.write(`wrote ${target}\n`);
}

await main();
