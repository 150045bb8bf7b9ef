export type { CliClient, CliClientOptions } from './client.js';
export type {
  CliContext,
  DnsResolver,
  InputStream,
  OutputStream,
  SandboxHandle,
  SandboxOptions,
} from './context.js';
export { ExitCode, exitCodeFor } from './exit-codes.js';
export { createProgram } from './program.js';
export { runCli } from './run.js';
