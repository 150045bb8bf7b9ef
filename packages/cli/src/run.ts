import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { exitCodeFor } from './exit-codes.js';
import { errorBody, formatError } from './output/error.js';
import { createProgram } from './program.js';

function wantsJson(argv: readonly string[], env: CliContext['env']): boolean {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--json' || arg.startsWith('--json=') || arg === '--csv' || arg.startsWith('--csv='))
      return true;
    if (arg === '-q' || arg === '--quiet') return true;
    if ((arg === '-o' || arg === '--output') && /^(json|jsonl|csv)$/.test(argv[i + 1] ?? '')) return true;
    if (/^--output=(json|jsonl|csv)$/.test(arg)) return true;
  }
  return /^(json|jsonl|csv)$/.test(env.MAILPLATFORM_OUTPUT ?? '');
}

/** Secrets that must never appear in an error message, whatever its origin. */
function knownSecrets(argv: readonly string[], env: CliContext['env']): string[] {
  const secrets = [env.MAILPLATFORM_API_KEY, env.MAILPLATFORM_WEBHOOK_SECRET];
  argv.forEach((arg, i) => {
    if (arg === '--api-key' || arg === '--secret') secrets.push(argv[i + 1]);
    const inline = /^--(?:api-key|secret)=(.*)$/.exec(arg);
    if (inline) secrets.push(inline[1]);
  });
  // A bare prefix (`--api-key mp_test_`) hides nothing, and masking it would garble the message.
  return secrets
    .flatMap((s) => (s ? s.split(',') : []))
    .filter((s) => !/^(mp_(live|test)_|whsec_|whsk_)?$/.test(s));
}

/**
 * A global option with an optional value (`--json [fields]`, `--csv [fields]`, `--debug [what]`) given
 * before the command would take the command's name as its value: `--json whoami` becomes `--json=`
 * (the same as a bare `--json`). Only tokens before the command are looked at, so `whoami --json a,b`
 * and `--json=a,b` are unchanged.
 */
export function normalizeArgv(argv: readonly string[], program: Command): string[] {
  const commands = new Set(program.commands.flatMap((c) => [c.name(), ...c.aliases()]));
  const result = [...argv];
  for (let i = 0; i < result.length; i++) {
    const arg = result[i] ?? '';
    if (arg === '--' || !arg.startsWith('-')) break;
    const option = program.options.find((o) => o.long === arg || o.short === arg);
    if (!option) continue;
    if (option.required) i++;
    else if (option.optional && option.long && commands.has(result[i + 1] ?? '')) {
      result[i] = `${option.long}=`;
    }
  }
  return result;
}

/** The command path of `argv` (`['suppressions', 'remove']`), skipping the global options before it. */
export function commandPath(argv: readonly string[], program: Command): string[] {
  const path: string[] = [];
  let current = program;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') break;
    if (arg.startsWith('-')) {
      if (path.length > 0) continue;
      const option = program.options.find((o) => o.long === arg || o.short === arg);
      if (option?.required || (option?.optional && !(argv[i + 1] ?? '-').startsWith('-'))) i++;
      continue;
    }
    const sub = current.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (!sub) break;
    path.push(sub.name());
    current = sub;
  }
  return path;
}

/** Ends the process quietly (exit 0, as `gh` does) when the reader of stdout goes away (`| head -1`). */
export function exitOnBrokenPipe(
  stream: { on(event: 'error', listener: (error: Error) => void): unknown },
  exit: (code: number) => void,
): void {
  stream.on('error', (error) => {
    if ((error as { code?: unknown }).code === 'EPIPE') exit(0);
    else throw error;
  });
}

/** Run the CLI with `argv` (without node and the script) and return the exit code. Never throws. */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  const program = createProgram(ctx);
  const args = normalizeArgv(argv, program);
  try {
    await program.parseAsync(args, { from: 'user' });
    return 0;
  } catch (error) {
    const code = exitCodeFor(error);
    if (code === 0) return 0;
    if (code === 130) return code;
    ctx.stderr.write(
      formatError(
        errorBody(error, code, { command: commandPath(args, program) }),
        wantsJson(argv, ctx.env),
        knownSecrets(argv, ctx.env),
      ),
    );
    return code;
  }
}
