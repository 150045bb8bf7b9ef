import Handlebars from 'handlebars';

/** Per-render settings and output that the helpers reach through `@mp`. */
export interface RenderState {
  locale: string;
  timezone: string;
  warnings: string[];
}

export type DateFormat = 'short' | 'long' | 'datetime';

const DATE_FORMATS: Record<DateFormat, Intl.DateTimeFormatOptions> = {
  short: { dateStyle: 'short' },
  long: { dateStyle: 'long' },
  datetime: { dateStyle: 'long', timeStyle: 'short' },
};

/** The one Handlebars instance of the sandbox, isolated from the global one. */
export const handlebars = Handlebars.create();

function split(name: string, args: unknown[]): { values: unknown[]; options: Handlebars.HelperOptions } {
  const options = args[args.length - 1] as Handlebars.HelperOptions;
  const values = args.slice(0, -1);
  if (values.length === 0) {
    throw new Error(
      `The ${name} helper needs a value, e.g. {{${name} total}}; write {{this.${name}}} for a field named ${name}`,
    );
  }
  return { values, options };
}

function state(options: Handlebars.HelperOptions): RenderState {
  return (options.data as { mp: RenderState }).mp;
}

function toNumber(name: string, value: unknown, mp: RenderState): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  if (Number.isFinite(number)) return number;
  mp.warnings.push(`${name}: ${JSON.stringify(value)} is not a number`);
  return undefined;
}

function toDate(value: unknown, mp: RenderState): Date | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const date =
    value instanceof Date
      ? value
      : typeof value === 'string' || typeof value === 'number'
        ? new Date(value)
        : undefined;
  if (date && !Number.isNaN(date.getTime())) return date;
  mp.warnings.push(`date: ${JSON.stringify(value)} is not a date`);
  return undefined;
}

handlebars.registerHelper('currency', (...args: unknown[]) => {
  const { values, options } = split('currency', args);
  const mp = state(options);
  const code = typeof values[1] === 'string' ? values[1].toUpperCase() : 'DKK';
  const amount = toNumber('currency', values[0], mp);
  if (amount === undefined) return '';
  return new Intl.NumberFormat(mp.locale, { style: 'currency', currency: code }).format(amount);
});

handlebars.registerHelper('number', (...args: unknown[]) => {
  const { values, options } = split('number', args);
  const mp = state(options);
  const value = toNumber('number', values[0], mp);
  if (value === undefined) return '';
  const decimals = options.hash.decimals;
  const digits =
    typeof decimals === 'number' ? { minimumFractionDigits: decimals, maximumFractionDigits: decimals } : {};
  return new Intl.NumberFormat(mp.locale, digits).format(value);
});

handlebars.registerHelper('date', (...args: unknown[]) => {
  const { values, options } = split('date', args);
  const mp = state(options);
  const format = values[1] === undefined ? 'short' : values[1];
  if (typeof format !== 'string' || !Object.hasOwn(DATE_FORMATS, format)) {
    throw new Error(`Unknown date format ${JSON.stringify(format)}; use "short", "long" or "datetime"`);
  }
  const date = toDate(values[0], mp);
  if (date === undefined) return '';
  return new Intl.DateTimeFormat(mp.locale, {
    ...DATE_FORMATS[format as DateFormat],
    timeZone: mp.timezone,
  }).format(date);
});
