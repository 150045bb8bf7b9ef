import { UsageError } from '../errors.js';
import type { GlobalOptions } from '../globals.js';

export const OUTPUT_MODES = ['table', 'plain', 'json', 'jsonl', 'csv'] as const;
export type OutputMode = (typeof OUTPUT_MODES)[number];

export interface OutputSettings {
  mode: OutputMode;
  /** `--json a,b` / `--csv a,b`: only these fields, in this order. */
  fields: string[] | undefined;
  color: boolean;
  /** Spinners and progress on stderr. */
  progress: boolean;
  columns: number;
}

export function isOutputMode(value: string): value is OutputMode {
  return (OUTPUT_MODES as readonly string[]).includes(value);
}

function parseFields(value: string | boolean | undefined): string[] | undefined {
  if (typeof value !== 'string') return undefined;
  const fields = value
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  return fields.length > 0 ? fields : undefined;
}

export interface ModeInputs {
  globals: GlobalOptions;
  env: Readonly<Record<string, string | undefined>>;
  isTTY: boolean;
  stderrIsTTY: boolean;
  columns: number;
  /** `output` of the active profile. */
  profileOutput?: string | undefined;
}

/**
 * Colour, in this order: `--no-color`/`--color never|always`, `NO_COLOR` (off),
 * `FORCE_COLOR`/`CLICOLOR_FORCE` (on), `CLICOLOR=0` and `TERM=dumb` (off), then TTY detection.
 */
export function resolveColor(
  flag: string | boolean | undefined,
  env: Readonly<Record<string, string | undefined>>,
  isTTY: boolean,
): boolean {
  if (flag === false || flag === 'never') return false;
  if (flag === 'always') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  if (env.CLICOLOR_FORCE !== undefined && env.CLICOLOR_FORCE !== '' && env.CLICOLOR_FORCE !== '0')
    return true;
  if (env.CLICOLOR === '0' || env.TERM === 'dumb') return false;
  return isTTY;
}

/** Precedence: `--json`/`--csv` > `-o` > `--quiet` (json) > `MAILPLATFORM_OUTPUT` > profile > table on a TTY, else plain. */
export function resolveOutput(inputs: ModeInputs): OutputSettings {
  const { globals, env } = inputs;
  if (globals.json !== undefined && globals.csv !== undefined) {
    throw new UsageError('--csv cannot be combined with --json');
  }
  const tty = inputs.isTTY || env.MAILPLATFORM_FORCE_TTY === '1';
  let mode: string;
  let fields: string[] | undefined;
  if (globals.json !== undefined) {
    mode = 'json';
    fields = parseFields(globals.json);
  } else if (globals.csv !== undefined) {
    mode = 'csv';
    fields = parseFields(globals.csv);
  } else if (globals.output !== undefined) mode = globals.output;
  else if (globals.quiet) mode = 'json';
  else if (env.MAILPLATFORM_OUTPUT) mode = env.MAILPLATFORM_OUTPUT;
  else if (inputs.profileOutput) mode = inputs.profileOutput;
  else mode = tty ? 'table' : 'plain';
  if (!isOutputMode(mode)) {
    throw new UsageError(`unknown output mode "${mode}"`, `use one of ${OUTPUT_MODES.join(', ')}`);
  }
  const color = mode === 'table' && resolveColor(globals.color, env, tty);
  return {
    mode,
    fields,
    color,
    progress: !globals.quiet && inputs.stderrIsTTY,
    columns: inputs.columns > 0 ? inputs.columns : 80,
  };
}
