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
  return secrets.flatMap((s) => (s ? s.split(',') : []));
}

/** Run the CLI with `argv` (without node and the script) and return the exit code. Never throws. */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  const program = createProgram(ctx);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    const code = exitCodeFor(error);
    if (code === 0) return 0;
    if (code === 130) return code;
    ctx.stderr.write(
      formatError(errorBody(error, code), wantsJson(argv, ctx.env), knownSecrets(argv, ctx.env)),
    );
    return code;
  }
}
