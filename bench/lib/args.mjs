/** `--name=value` and bare `--flag` (true) options; anything else is an error. */
export function parseArgs(argv, defaults) {
  const options = { ...defaults };
  for (const arg of argv) {
    const match = /^--([a-z][a-z-]*)(?:=(.*))?$/.exec(arg);
    if (match === null) throw new Error(`unexpected argument ${arg}`);
    const [, name, value] = match;
    if (!(name in defaults))
      throw new Error(`unknown option --${name} (known: ${Object.keys(defaults).join(', ')})`);
    options[name] = value === undefined ? true : value;
  }
  return options;
}

export function numberOption(options, name) {
  const value = Number(options[name]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number`);
  return value;
}

export function listOption(options, name) {
  return String(options[name])
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
