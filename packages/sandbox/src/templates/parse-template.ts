import type { Program } from './ast.js';
import { handlebars } from './helpers.js';
import { type TemplatePart, TemplateRenderError } from './template-render-error.js';

function position(error: unknown): { line?: number; column?: number } {
  const record = error as { lineNumber?: unknown; column?: unknown; message?: unknown };
  if (typeof record.lineNumber === 'number') {
    return typeof record.column === 'number'
      ? { line: record.lineNumber, column: record.column }
      : { line: record.lineNumber };
  }
  const line = /on line (\d+)/.exec(String(record.message ?? ''))?.[1];
  return line === undefined ? {} : { line: Number(line) };
}

/** Wraps a Handlebars error (parse or runtime) as a `TemplateRenderError` with the part and line. */
export function templateError(error: unknown, part: TemplatePart, what: string): TemplateRenderError {
  if (error instanceof TemplateRenderError) return error;
  const where = position(error);
  const detail = error instanceof Error ? error.message : String(error);
  const at =
    where.line === undefined
      ? ''
      : ` at line ${where.line}${where.column === undefined ? '' : `, column ${where.column}`}`;
  return new TemplateRenderError(`${what} in ${part}${at}: ${detail}`, { part, ...where, cause: error });
}

export function parseTemplate(source: string, part: TemplatePart): Program {
  try {
    return handlebars.parse(source);
  } catch (error) {
    throw templateError(error, part, 'Template syntax error');
  }
}
