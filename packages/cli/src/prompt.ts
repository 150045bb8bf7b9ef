import type { CliContext } from './context.js';

/** Read one line from stdin after writing the question to stderr. */
export async function readLine(ctx: Pick<CliContext, 'stdin' | 'stderr'>, question: string): Promise<string> {
  ctx.stderr.write(question);
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of ctx.stdin) {
    buffer += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    const newline = buffer.indexOf('\n');
    if (newline >= 0) return buffer.slice(0, newline).replace(/\r$/, '');
  }
  return buffer;
}

/** All of stdin as text (`--with-token`, `--payload -`). */
export async function readAll(ctx: Pick<CliContext, 'stdin'>): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of ctx.stdin)
    text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}
