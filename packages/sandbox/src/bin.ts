#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { createSandbox, type Sandbox, type SandboxOptions } from './create-sandbox.js';

const USAGE = `Usage: mailplatform-sandbox [options]

A complete local mailplatform: the /v1 API, the /sandbox/v1 control API and an SMTP relay.

Options:
  --port N            HTTP port (default 4400; 0 picks a free one)
  --smtp-port N       SMTP port (default 4425; 0 picks a free one; "off" disables the relay)
  --smtps-port N      Implicit-TLS SMTP port (default 4465; 0 picks a free one; "off" disables it)
  --host HOST         Address to listen on (default 127.0.0.1)
  --data-dir DIR      Persist to DIR/sandbox.sqlite (default: in memory)
  --public-url URL    Origin for tracking links when the sandbox sits behind a proxy
  --accept-any-key    Accept any bearer token, not only mp_test_ keys
  --relay URL         Also hand each non-simulated recipient to a real SMTP server (smtp://127.0.0.1:2525);
                      one attempt, its reply becomes delivered / bounced / deferred
  --allow-remote-relay  Allow a --relay host that is not a loopback address
  --allow-remote-webhooks  Deliver webhooks to hosts that are not loopback addresses
  -h, --help          Show this help
`;

class UsageError extends Error {}

function port(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65_535) throw new UsageError(`--${name} must be a port number (0-65535)`);
  return n;
}

function readOptions(argv: string[]): SandboxOptions | null {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string' },
      'smtp-port': { type: 'string' },
      'smtps-port': { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'public-url': { type: 'string' },
      'accept-any-key': { type: 'boolean' },
      relay: { type: 'string' },
      'allow-remote-relay': { type: 'boolean' },
      'allow-remote-webhooks': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return null;
  const smtpPort = values['smtp-port'] === 'off' ? null : port(values['smtp-port'], 'smtp-port', 4425);
  const smtpsPort = values['smtps-port'] === 'off' ? null : port(values['smtps-port'], 'smtps-port', 4465);
  if (values['public-url'] !== undefined && !URL.canParse(values['public-url'])) {
    throw new UsageError('--public-url must be an absolute URL (http://localhost:4400)');
  }
  return {
    port: port(values.port, 'port', 4400),
    smtpPort,
    smtpsPort,
    ...(values.host !== undefined ? { host: values.host } : {}),
    ...(values['data-dir'] !== undefined ? { dataDir: values['data-dir'] } : {}),
    ...(values['public-url'] !== undefined ? { publicUrl: values['public-url'] } : {}),
    ...(values['accept-any-key'] ? { acceptAnyKey: true } : {}),
    ...(values.relay !== undefined ? { relay: values.relay } : {}),
    ...(values['allow-remote-relay'] ? { allowRemoteRelay: true } : {}),
    ...(values['allow-remote-webhooks'] ? { webhooks: { allowRemote: true } } : {}),
  };
}

function banner(sandbox: Sandbox, options: SandboxOptions): string {
  const smtp =
    sandbox.smtpPort === null
      ? '  SMTP       off'
      : `  SMTP       ${new URL(sandbox.url).hostname}:${sandbox.smtpPort} (plain or STARTTLS; user: anything, e.g. apikey; password: a test key)`;
  const smtps =
    sandbox.smtpsPort === null
      ? '  SMTPS      off'
      : `  SMTPS      ${new URL(sandbox.url).hostname}:${sandbox.smtpsPort} (implicit TLS, self-signed certificate)`;
  return [
    'mailplatform sandbox is running',
    `  API        ${sandbox.url}/v1   (SDK: new MailPlatform({ apiKey, baseUrl: '${sandbox.url}' }))`,
    smtp,
    smtps,
    `  Test key   ${sandbox.apiKey}   (any mp_test_<suffix> key works; each key has its own namespace)`,
    `  Inbox      ${sandbox.url}/sandbox/v1/inbox   (Authorization: Bearer <test key>)`,
    `  Data       ${options.dataDir ?? 'in memory'}`,
    ...(options.relay !== undefined ? [`  Relay      ${options.relay}   (non-simulated recipients)`] : []),
    '',
    `  curl -H 'Authorization: Bearer ${sandbox.apiKey}' ${sandbox.url}/sandbox/v1/inbox`,
    '',
    'Press Ctrl+C to stop.',
  ].join('\n');
}

function describeStartError(error: unknown, options: SandboxOptions): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const port = (error as { port?: number } | undefined)?.port;
  if (code === 'EADDRINUSE') {
    const which =
      port === options.smtpPort
        ? `SMTP port ${port} (--smtp-port)`
        : port === options.smtpsPort
          ? `SMTPS port ${port} (--smtps-port)`
          : `port ${port ?? '?'}`;
    return `${which} is already in use: stop the other process or choose another port (0 picks a free one)`;
  }
  if (code === 'EACCES')
    return `permission denied to listen on port ${port ?? '?'}: choose a port above 1023`;
  if (code === 'EADDRNOTAVAIL') return `cannot listen on host ${options.host}: no such local address`;
  return error instanceof Error ? error.message : String(error);
}

async function main(): Promise<number> {
  let options: SandboxOptions | null;
  try {
    options = readOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`mailplatform-sandbox: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options === null) {
    process.stdout.write(USAGE);
    return 0;
  }
  let sandbox: Sandbox;
  try {
    sandbox = await createSandbox({
      ...options,
      onError: (error) => process.stderr.write(`mailplatform-sandbox: internal error: ${String(error)}\n`),
    });
  } catch (error) {
    process.stderr.write(`mailplatform-sandbox: ${describeStartError(error, options)}\n`);
    return 1;
  }
  const running = sandbox;
  const stopped = new Promise<number>((resolve) => {
    let closing = false;
    const stop = (signal: NodeJS.Signals) => {
      if (closing) return;
      closing = true;
      process.stdout.write(`\n${signal}: closing...\n`);
      running.close().then(
        () => resolve(0),
        (error: unknown) => {
          process.stderr.write(`mailplatform-sandbox: ${String(error)}\n`);
          resolve(1);
        },
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  // The handlers are in place before the banner: whoever reads "Press Ctrl+C" may signal at once.
  process.stdout.write(`${banner(sandbox, options)}\n`);
  return stopped;
}

process.exitCode = await main();
