import { bounceRules, classifyBounce, finalizeDeferral, type TransportFailure } from '../bounces/index.js';
import { ProblemError } from '../http/problem.js';
import type { DeliveryEngines, Scenario } from '../pipeline/engines.js';
import { scenarioFor } from '../simulator/index.js';
import { extractVariables, renderTemplate, TemplateRenderError } from '../templates/index.js';
import { parseDuration } from '../time/index.js';
import { applyTracking, classifyClick, classifyOpen, truncateIp } from '../tracking/index.js';

/** A template syntax or helper error becomes a 422 `template_render_failed` naming the part and line. */
function asProblem(error: unknown): unknown {
  if (!(error instanceof TemplateRenderError)) return error;
  const where = {
    ...(error.part !== undefined ? { part: error.part } : {}),
    ...(error.line !== undefined ? { line: error.line } : {}),
    ...(error.column !== undefined ? { column: error.column } : {}),
  };
  return new ProblemError(422, 'template_render_failed', { detail: error.message, extra: where });
}

function isTransportFailure(value: string): value is TransportFailure {
  return Object.hasOwn(bounceRules.transport, value);
}

/** The sandbox's engines (simulator, tracking, templates, bounce rules) behind the pipeline's seam. */
export const defaultEngines: DeliveryEngines = {
  scenarioFor(recipient, simulate): Scenario {
    const scenario = scenarioFor(recipient, simulate);
    return {
      name: scenario.name,
      steps: scenario.steps.map((step) => ({
        afterMs: parseDuration(step.after),
        type: step.event.startsWith('message.') ? step.event : `message.${step.event}`,
        ...(step.smtpCode !== undefined ? { smtpCode: step.smtpCode } : {}),
        ...(step.enhancedCode !== undefined ? { enhancedCode: step.enhancedCode } : {}),
        ...(step.reply !== undefined ? { diagnostic: step.reply } : {}),
        ...(step.phase !== undefined ? { phase: step.phase } : {}),
        ...(step.details !== undefined ? { details: step.details } : {}),
      })),
    };
  },
  applyTracking(input) {
    const out = applyTracking({
      ...(input.html !== undefined ? { html: input.html } : {}),
      ...(input.text !== undefined ? { text: input.text } : {}),
      baseUrl: input.baseUrl,
      openToken: input.openToken,
      opens: input.opens,
      clicks: input.clicks,
      ...(input.listUnsubscribe !== undefined ? { listUnsubscribe: input.listUnsubscribe } : {}),
      token: ({ url, index }) => input.clickToken(url, `lnk_${index}`),
    });
    return {
      ...(out.html !== undefined ? { html: out.html } : {}),
      ...(out.text !== undefined ? { text: out.text } : {}),
      links: out.links.map((link) => ({
        linkId: `lnk_${link.index}`,
        url: link.url,
        trackingUrl: `${input.baseUrl}/t/c/${link.token}`,
      })),
    };
  },
  renderTemplate(input) {
    // Missing variables are reported, not thrown: the pipeline and the render route decide what they mean.
    try {
      const out = renderTemplate({
        ...(input.subject !== undefined ? { subject: input.subject } : {}),
        ...(input.html !== undefined ? { html: input.html } : {}),
        ...(input.text !== undefined ? { text: input.text } : {}),
        ...(input.layout !== undefined ? { layout: input.layout } : {}),
        data: input.data,
        ...(input.locale !== undefined ? { locale: input.locale } : {}),
        ...(input.timezone !== undefined ? { timezone: input.timezone } : {}),
      });
      return {
        subject: out.subject,
        ...(out.html !== undefined ? { html: out.html } : {}),
        text: out.text,
        missingVariables: out.missingVariables,
        warnings: out.warnings,
      };
    } catch (error) {
      throw asProblem(error);
    }
  },
  extractVariables(parts) {
    try {
      return extractVariables(parts);
    } catch (error) {
      throw asProblem(error);
    }
  },
  classifyBounce(input) {
    const result = classifyBounce({
      ...(input.smtpCode !== undefined ? { smtpCode: input.smtpCode } : {}),
      ...(input.enhancedCode !== undefined ? { enhancedCode: input.enhancedCode } : {}),
      ...(input.diagnostic !== undefined ? { diagnostic: input.diagnostic } : {}),
      ...(input.phase !== undefined ? { phase: input.phase as 'rcpt' } : {}),
      ...(input.transport !== undefined && isTransportFailure(input.transport)
        ? { transport: input.transport }
        : {}),
    });
    // the pipeline asks only for final bounces: a deferral here means the retries ran out
    const final = result.outcome === 'deferral' ? finalizeDeferral(result) : result;
    return { class: final.class, type: final.type, rule: final.rule };
  },
  classifyOpen(input) {
    return classifyOpen({
      method: input.method,
      userAgent: input.userAgent,
      ip: input.ip,
      at: input.at,
      deliveredAt: input.deliveredAt,
    });
  },
  classifyClick(input) {
    return classifyClick({
      method: input.method,
      userAgent: input.userAgent,
      ip: input.ip,
      at: input.at,
      deliveredAt: input.deliveredAt,
      recentClicksAt: input.recentClicksAt ?? [],
    });
  },
  truncateIp: (ip) => truncateIp(ip) ?? '',
};
