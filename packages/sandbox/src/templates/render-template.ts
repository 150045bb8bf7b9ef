import { convert } from 'html-to-text';
import juice from 'juice';
import { handlebars, type RenderState } from './helpers.js';
import { MissingVariableCollector } from './missing-variables.js';
import { parseTemplate, templateError } from './parse-template.js';
import { type TemplatePart, TemplateRenderError } from './template-render-error.js';

export interface RenderTemplateInput {
  subject?: string;
  html?: string;
  text?: string;
  /** A layout: its `{{{body}}}` slot receives the rendered html (and text) of the template. */
  layout?: { html?: string; text?: string };
  data: Record<string, unknown>;
  /** BCP 47 locale for the `currency`, `number` and `date` helpers. Default `da-DK`. */
  locale?: string;
  /** IANA time zone for the `date` helper. Default `Europe/Copenhagen`. */
  timezone?: string;
  /** Throw a `TemplateRenderError` listing the missing variables instead of rendering them blank. */
  strict?: boolean;
}

export interface RenderTemplateResult {
  subject: string;
  /** Undefined when neither the template nor a layout has html. */
  html: string | undefined;
  text: string;
  missingVariables: string[];
  warnings: string[];
}

const BODY_SLOT = /\{\{\{?~?\s*body\s*~?\}?\}\}/;

function toText(html: string): string {
  return convert(html, {
    wordwrap: 78,
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    ],
  });
}

function checkLocale(locale: string, timezone: string): void {
  try {
    new Intl.DateTimeFormat(locale, { timeZone: timezone });
  } catch (error) {
    throw new TemplateRenderError(
      `Invalid locale ${JSON.stringify(locale)} or time zone ${JSON.stringify(timezone)}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/**
 * Renders a template with Handlebars: `{{x}}` HTML-escaped in html (not in subject and text),
 * `{{{x}}}` raw, `#each`/`#if`/`#with`, Mustache sections, the `currency`, `number` and `date` helpers,
 * an optional layout, CSS inlined from `<style>`, and a text part generated from the html when the
 * template has none. Absent variables are listed in `missingVariables` (as `lines[].name`).
 */
export function renderTemplate(input: RenderTemplateInput): RenderTemplateResult {
  const locale = input.locale ?? 'da-DK';
  const timezone = input.timezone ?? 'Europe/Copenhagen';
  checkLocale(locale, timezone);
  const state: RenderState = { locale, timezone, warnings: [] };
  const collector = new MissingVariableCollector();

  const render = (
    part: TemplatePart,
    source: string,
    data: Record<string, unknown>,
    escapeHtml: boolean,
  ): string => {
    const ast = parseTemplate(source, part);
    collector.walk(ast, data);
    try {
      const template = handlebars.compile(ast, { compat: true, noEscape: !escapeHtml, strict: false });
      return template(data, { data: { mp: state } });
    } catch (error) {
      throw templateError(error, part, 'Template error');
    }
  };

  const subject =
    input.subject === undefined
      ? ''
      : render('subject', input.subject, input.data, false)
          .replace(/\s*[\r\n]+\s*/g, ' ')
          .trim();

  const bodyHtml = input.html === undefined ? undefined : render('html', input.html, input.data, true);
  let html = bodyHtml;
  if (bodyHtml !== undefined && input.layout?.html !== undefined) {
    if (!BODY_SLOT.test(input.layout.html)) state.warnings.push('The layout html has no {{{body}}} slot');
    html = render(
      'layout.html',
      input.layout.html,
      { ...input.data, body: new handlebars.SafeString(bodyHtml) },
      true,
    );
  }
  if (html !== undefined && /<style[\s>]/i.test(html)) {
    html = juice(html, { preserveMediaQueries: true, preserveFontFaces: true, removeStyleTags: true });
  }

  let text: string;
  const bodyText = input.text === undefined ? undefined : render('text', input.text, input.data, false);
  if (input.layout?.text !== undefined && (bodyText !== undefined || bodyHtml !== undefined)) {
    if (!BODY_SLOT.test(input.layout.text)) state.warnings.push('The layout text has no {{{body}}} slot');
    const body = bodyText ?? toText(bodyHtml!);
    text = render('layout.text', input.layout.text, { ...input.data, body }, false);
  } else {
    text = bodyText ?? (html === undefined ? '' : toText(html));
  }

  const missingVariables = [...collector.missing];
  if (input.strict && missingVariables.length > 0) {
    throw new TemplateRenderError(`Missing template variables: ${missingVariables.join(', ')}`, {
      missingVariables,
    });
  }
  return { subject, html, text, missingVariables, warnings: state.warnings };
}
