export type TemplatePart = 'subject' | 'html' | 'text' | 'layout.html' | 'layout.text';

export interface TemplateRenderErrorOptions {
  missingVariables?: string[];
  part?: TemplatePart;
  line?: number;
  column?: number;
  cause?: unknown;
}

/** A template that cannot be rendered: a syntax error, a helper failure, or (strict) missing variables. */
export class TemplateRenderError extends Error {
  readonly code = 'template_render_failed';
  readonly missingVariables: string[];
  readonly part: TemplatePart | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(message: string, options: TemplateRenderErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TemplateRenderError';
    this.missingVariables = options.missingVariables ?? [];
    this.part = options.part;
    this.line = options.line;
    this.column = options.column;
  }
}
