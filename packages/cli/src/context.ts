import type { CliClient, CliClientOptions } from './client.js';

/** Where a command writes: process.stdout in bin.ts, a string sink in tests. */
export interface OutputStream {
  write(chunk: string): unknown;
}

/** What a command may read as input (`--with-token`, `--payload -`). */
export type InputStream = AsyncIterable<string | Uint8Array>;

/** DNS lookups used by `doctor`; injectable so tests never touch the network. */
export interface DnsResolver {
  resolveTxt(name: string): Promise<string[][]>;
  resolveMx(name: string): Promise<{ exchange: string; priority: number }[]>;
}

/** What `dev` needs of `@mailplatform/sandbox`'s `createSandbox`. */
export interface SandboxHandle {
  url: string;
  /** `smtp://127.0.0.1:4425`, or null when the relay is off. */
  smtpUrl: string | null;
  /** `smtps://127.0.0.1:4465` (implicit TLS), or null when off. */
  smtpsUrl: string | null;
  /** A fresh `mp_test_` key; any `mp_test_` key works, each is its own namespace. */
  apiKey: string;
  close(): Promise<void>;
}

export interface SandboxOptions {
  port?: number;
  smtpPort?: number | null;
  /** Implicit-TLS port; null is off. */
  smtpsPort?: number | null;
  dataDir?: string;
}

/**
 * Everything a command may touch of the outside world. Only bin.ts builds one from `process`;
 * tests build one from fake streams.
 */
export interface CliContext {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: InputStream;
  env: Readonly<Record<string, string | undefined>>;
  /** stdout is a terminal (tables, colours). */
  isTTY: boolean;
  /** stderr is a terminal (spinners, progress). */
  stderrIsTTY: boolean;
  /** stderr as a stream spinners can draw on (cursor moves); set only when stderr is a terminal. */
  spinnerStream?: NodeJS.WritableStream;
  /** stdin is a terminal (prompts). */
  stdinIsTTY: boolean;
  columns: number;
  cwd: string;
  platform: NodeJS.Platform;
  /** The user's home directory, for the default config location. */
  homeDir: string;
  now(): Date;
  fetch?: typeof fetch;
  createClient(options: CliClientOptions): Promise<CliClient>;
  /** Overrides `$XDG_CONFIG_HOME/mailplatform` (tests). */
  configDir?: string;
  /** Aborted on the first Ctrl-C. */
  signal: AbortSignal;
  loadResolver?(): Promise<DnsResolver>;
  loadSandbox?(): Promise<(options: SandboxOptions) => Promise<SandboxHandle>>;
}
