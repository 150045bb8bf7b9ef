import { z } from 'zod';
import {
  DateOrTimestampSchema,
  queryBoolean,
  StreamIdSchema,
  TimestampSchema,
  TimezoneSchema,
} from './common.js';

export const STATS_COUNTERS = [
  'queued',
  'suppressed',
  'failed',
  'sent',
  'delivered',
  'deferredRecipients',
  'bouncedHard',
  'bouncedSoft',
  'bouncedBlock',
  'bouncedUndetermined',
  'complained',
  'unsubscribed',
  'opensTotal',
  'opensUnique',
  'opensUniqueHuman',
  'opensMachine',
  'opensInferred',
  'clicksTotal',
  'clicksUnique',
  'clicksUniqueHuman',
  'clicksBot',
  'uniqueLinksClicked',
  'deliveredWithOpenTracking',
  'deliveredWithClickTracking',
] as const;
export type StatsCounter = (typeof STATS_COUNTERS)[number];

export const STATS_RATES = [
  'deliveryRate',
  'bounceRate',
  'hardBounceRate',
  'complaintRate',
  'openRate',
  'humanOpenRate',
  'clickRate',
  'clickToOpenRate',
  'unsubscribeRate',
] as const;
export type StatsRate = (typeof STATS_RATES)[number];

const count = z.number().int().min(0);
const rate = z.number().min(0).max(1).nullable();

export const StatsCountsSchema = z
  .object(
    Object.fromEntries(STATS_COUNTERS.map((name) => [name, count])) as Record<StatsCounter, typeof count>,
  )
  .meta({
    id: 'StatsCounts',
    description:
      'Recipient counters (§18). sent = queued − suppressed − failed; uniqueness is per (messageId, recipient).',
  });
export type StatsCounts = z.infer<typeof StatsCountsSchema>;

export const StatsRatesSchema = z
  .object(Object.fromEntries(STATS_RATES.map((name) => [name, rate])) as Record<StatsRate, typeof rate>)
  .meta({
    id: 'StatsRates',
    description: 'Rates in [0,1] rounded to 4 decimals; null when the denominator is 0.',
  });
export type StatsRates = z.infer<typeof StatsRatesSchema>;

export const StatsIntervalSchema = z
  .enum(['hour', 'day', 'week', 'month', 'none'])
  .meta({ id: 'StatsInterval' });
export const StatsGroupBySchema = z
  .enum(['tag', 'stream', 'recipientDomain', 'bounceType'])
  .meta({ id: 'StatsGroupBy' });
export const StatsBasisSchema = z.enum(['cohort', 'activity']).meta({
  id: 'StatsBasis',
  description:
    'cohort: events count in the bucket of their message submittedAt; activity: in the bucket of their own timestamp.',
});

export const StatsQuerySchema = z
  .object({
    since: DateOrTimestampSchema.optional().meta({
      description: 'Start (inclusive); default 30 days before until.',
    }),
    until: DateOrTimestampSchema.optional().meta({
      description: 'End (exclusive for timestamps, inclusive for dates); default now.',
    }),
    timezone: TimezoneSchema.default('UTC'),
    interval: StatsIntervalSchema.default('day'),
    stream: StreamIdSchema.optional(),
    tag: z.string().optional(),
    groupBy: StatsGroupBySchema.optional(),
    basis: StatsBasisSchema.optional().meta({
      description: 'Default: activity for a time series (interval ≠ none), cohort otherwise.',
    }),
    includeBotClicks: queryBoolean().default(false),
  })
  .meta({ id: 'StatsQuery' });
export type StatsQuery = z.input<typeof StatsQuerySchema>;
export type StatsQueryParsed = z.output<typeof StatsQuerySchema>;

export const StatsValuesSchema = z
  .object({ counts: StatsCountsSchema, rates: StatsRatesSchema })
  .meta({ id: 'StatsValues' });

export const StatsResponseSchema = z
  .object({
    since: TimestampSchema,
    until: TimestampSchema,
    timezone: z.string(),
    interval: StatsIntervalSchema,
    basis: StatsBasisSchema,
    groupBy: StatsGroupBySchema.nullable(),
    totals: StatsValuesSchema,
    series: z
      .array(
        StatsValuesSchema.extend({
          start: TimestampSchema.meta({ description: 'Bucket start with the zone offset.' }),
        }),
      )
      .meta({ description: 'One entry per bucket; empty when interval is none.' }),
    groups: z
      .array(StatsValuesSchema.extend({ key: z.string() }))
      .meta({ description: 'One entry per group; empty without groupBy.' }),
  })
  .meta({ id: 'StatsResponse' });
export type StatsResponse = z.infer<typeof StatsResponseSchema>;
