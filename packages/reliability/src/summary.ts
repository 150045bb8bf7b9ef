import { appendFileSync } from 'node:fs';

/** The one-line result of a scenario (reliability.md invariants, decisions.md "lost"). */
export interface ScenarioSummary {
  scenario: string;
  n: number;
  seed: number;
  delivered: number;
  duplicated: number;
  lost: number;
  attemptsPerSend: number;
  /** Extra figures of the scenario (typed failures, replays, ...). */
  extra?: Record<string, number | string>;
}

export function formatSummary(summary: ScenarioSummary): string {
  const extra = Object.entries(summary.extra ?? {})
    .map(([name, value]) => ` ${name}=${value}`)
    .join('');
  return `[reliability] ${summary.scenario} N=${summary.n} seed=${summary.seed} delivered=${summary.delivered} duplicated=${summary.duplicated} lost=${summary.lost} attempts/send=${summary.attemptsPerSend.toFixed(3)}${extra}`;
}

/** Appends the summary as one JSON line to `RELIABILITY_REPORT` when set (docs/reliability.md is built from it). */
export function appendSummary(
  summary: ScenarioSummary,
  env: Readonly<Record<string, string | undefined>> = process.env,
): void {
  const file = env.RELIABILITY_REPORT;
  if (file !== undefined && file !== '') appendFileSync(file, `${JSON.stringify(summary)}\n`);
}
