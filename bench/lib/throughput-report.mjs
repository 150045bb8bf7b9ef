import { loadavg } from 'node:os';
import { fixed, max, median, min, table } from './stats.mjs';

/**
 * One child's JSON line plus what follows from it; `sinkBusy` is the sink's CPU time between the two
 * `sink.counts()` snapshots (1 = one core saturated).
 */
export function throughputRun(run, before, after) {
  const cpuMs = run.cpuUserMs + run.cpuSystemMs;
  return {
    ...run,
    perSecond: (run.sends / run.wallMs) * 1000,
    cpuMsPerSend: cpuMs / run.sends,
    clientBusy: cpuMs / run.wallMs,
    sinkBusy: (after.cpuMs - before.cpuMs) / (after.at - before.at),
    loadAverage: loadavg()[0],
  };
}

/** The progress line of one run, after its `round …` prefix. */
export function describeRun(run) {
  return (
    `${Math.round(run.perSecond)} msg/s, ` +
    `${fixed(run.cpuMsPerSend * 1000, 1)} µs CPU/msg, client ${fixed(run.clientBusy * 100, 0)}% ` +
    `sink ${fixed(run.sinkBusy * 100, 0)}% of a core, load ${fixed(run.loadAverage, 1)}`
  );
}

/** Medians (and the msg/s range) over the rounds of one client. */
export function throughputSummary(runs) {
  const perSecond = runs.map((run) => run.perSecond);
  return {
    perSecond: median(perSecond),
    perSecondMin: min(perSecond),
    perSecondMax: max(perSecond),
    cpuMsPerSend: median(runs.map((run) => run.cpuMsPerSend)),
    clientBusy: median(runs.map((run) => run.clientBusy)),
    sinkBusy: median(runs.map((run) => run.sinkBusy)),
  };
}

/** The lines of one CPU profile (areas, then functions, by self time), under `title`. */
export function profileLines(title, profile) {
  const rows = (entries) =>
    entries.map((row) => [row.name, fixed(row.ms, 0), `${fixed(row.share * 100, 1)}%`]);
  return [
    '',
    `${title} (self time; ${fixed(profile.totalMs, 0)} ms sampled incl. start-up, idle excluded)`,
    table(['area', 'ms', 'share'], rows(profile.areas)),
    '',
    table(['function', 'ms', 'share'], rows(profile.functions)),
  ];
}
