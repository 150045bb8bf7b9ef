export { extractVariables, type TemplateSources } from './extract-variables.js';
export type { DateFormat } from './helpers.js';
export { type RenderTemplateInput, type RenderTemplateResult, renderTemplate } from './render-template.js';
export {
  type TemplatePart,
  TemplateRenderError,
  type TemplateRenderErrorOptions,
} from './template-render-error.js';
