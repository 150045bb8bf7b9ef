import {
  STATS_COUNTERS,
  type StatsCounter,
  type StatsCounts,
  type StatsRates,
} from '@mailplatform/sdk/schemas';

/** Every counter except `sent`, which is derived: these are the columns of `stats_rollup`. */
export const STORED_COUNTERS = STATS_COUNTERS.filter(
  (name): name is Exclude<StatsCounter, 'sent'> => name !== 'sent',
);
export type StoredCounter = (typeof STORED_COUNTERS)[number];
export type StoredCounts = Record<StoredCounter, number>;

export function emptyCounts(): StoredCounts {
  return Object.fromEntries(STORED_COUNTERS.map((name) => [name, 0])) as StoredCounts;
}

export function addCounts(into: StoredCounts, from: StoredCounts): void {
  for (const name of STORED_COUNTERS) into[name] += from[name];
}

/** The public counters: the stored ones plus `sent` = queued − suppressed − failed (never below 0). */
export function publicCounts(stored: StoredCounts): StatsCounts {
  const sent = Math.max(0, stored.queued - stored.suppressed - stored.failed);
  const out = {} as StatsCounts;
  for (const name of STATS_COUNTERS) out[name] = name === 'sent' ? sent : stored[name];
  return out;
}

function rate(numerator: number, denominator: number): number | null {
  if (denominator === 0) return null;
  // activity-basis buckets can split a numerator from its denominator; rates stay in [0, 1]
  return Math.min(1, Math.round((numerator / denominator) * 10_000) / 10_000);
}

/** §18 rates. `includeBotClicks` counts bot clicks in the click numerators. */
export function computeRates(c: StatsCounts, includeBotClicks: boolean): StatsRates {
  const bounced = c.bouncedHard + c.bouncedSoft + c.bouncedBlock + c.bouncedUndetermined;
  const clicks = includeBotClicks ? c.clicksUnique : c.clicksUniqueHuman;
  return {
    deliveryRate: rate(c.delivered, c.sent),
    bounceRate: rate(bounced, c.sent),
    hardBounceRate: rate(c.bouncedHard, c.sent),
    complaintRate: rate(c.complained, c.delivered),
    openRate: rate(c.opensUnique, c.deliveredWithOpenTracking),
    humanOpenRate: rate(c.opensUniqueHuman, c.deliveredWithOpenTracking),
    clickRate: rate(clicks, c.deliveredWithClickTracking),
    clickToOpenRate: rate(clicks, c.opensUnique),
    unsubscribeRate: rate(c.unsubscribed, c.delivered),
  };
}
