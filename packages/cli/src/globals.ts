/** The global flags of cli.md §5, as commander parses them (`optsWithGlobals()`). */
export interface GlobalOptions {
  profile?: string;
  apiKey?: string;
  baseUrl?: string;
  live?: boolean;
  test?: boolean;
  output?: string;
  json?: string | boolean;
  csv?: string | boolean;
  quiet?: boolean;
  /** `--no-color` → false, `--color always|never|auto` → the word. */
  color?: string | boolean;
  /** `--no-input` → false. */
  input?: boolean;
  yes?: boolean;
  timeout?: string;
  maxRetries?: string;
  debug?: string | boolean;
  config?: string;
  /** `send --smtp-url` and `doctor --smtp-url`: a command option, seen here through `optsWithGlobals()`. */
  smtpUrl?: string;
}
