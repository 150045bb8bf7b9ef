import { describe, expect, it } from 'vitest';
import { AddressSchema, EmailSchema, TimezoneSchema } from './common.js';
import { CreateExportRequestSchema } from './exports.js';
import { PROBLEM_CODES, ProblemSchema, problemTypeUrl } from './problem.js';
import { ChaosSchema, ClockRequestSchema, InboxQuerySchema } from './sandbox.js';
import {
  STATS_COUNTERS,
  STATS_RATES,
  StatsCountsSchema,
  StatsQuerySchema,
  StatsRatesSchema,
} from './stats.js';
import { AddSuppressionsRequestSchema, SuppressionEntryQuerySchema } from './suppressions.js';
import { CreateWebhookEndpointRequestSchema } from './webhooks.js';

describe('addresses', () => {
  it('accepts strings and objects, rejects bad ones', () => {
    expect(AddressSchema.safeParse('Shop <ordre@shop.dk>').success).toBe(true);
    expect(AddressSchema.safeParse({ email: 'æøå@shop.dk' }).success).toBe(true);
    expect(AddressSchema.safeParse('kunde@').success).toBe(false);
    expect(EmailSchema.safeParse('kunde@blåbær.dk').success).toBe(true);
    expect(EmailSchema.safeParse('kunde @example.dk').success).toBe(false);
  });
});

describe('stats', () => {
  it('has every counter and rate of §18', () => {
    expect(Object.keys(StatsCountsSchema.shape)).toEqual([...STATS_COUNTERS]);
    expect(Object.keys(StatsRatesSchema.shape)).toEqual([...STATS_RATES]);
    expect(StatsRatesSchema.safeParse(Object.fromEntries(STATS_RATES.map((r) => [r, 1.2]))).success).toBe(
      false,
    );
  });
  it('parses a query with defaults', () => {
    expect(StatsQuerySchema.parse({ includeBotClicks: 'true', groupBy: 'recipientDomain' })).toEqual({
      timezone: 'UTC',
      interval: 'day',
      groupBy: 'recipientDomain',
      includeBotClicks: true,
    });
    expect(StatsQuerySchema.parse({ includeBotClicks: 'false' }).includeBotClicks).toBe(false);
    expect(StatsQuerySchema.safeParse({ timezone: 'Europe/Nowhere' }).success).toBe(false);
    expect(StatsQuerySchema.safeParse({ interval: 'year' }).success).toBe(false);
  });
});

describe('problem', () => {
  it('maps codes to statuses and documentation URLs', () => {
    expect(PROBLEM_CODES.control_header_in_api.status).toBe(422);
    expect(problemTypeUrl('validation_failed')).toBe('https://docs.mailplatform.dk/errors/validation-failed');
    expect(
      ProblemSchema.safeParse({
        type: problemTypeUrl('rate_limited'),
        title: 't',
        status: 429,
        code: 'rate_limited',
        violatedPolicies: ['send'],
      }).success,
    ).toBe(true);
  });
});

describe('other requests', () => {
  it('caps suppressions at 1000 addresses', () => {
    const emails = Array.from({ length: 1001 }, (_, i) => `k${i}@example.dk`);
    expect(AddSuppressionsRequestSchema.safeParse({ emails }).success).toBe(false);
    expect(AddSuppressionsRequestSchema.parse({ emails: emails.slice(0, 1000) }).reason).toBe('manual');
    expect(SuppressionEntryQuerySchema.parse({ force: 'true' })).toEqual({
      stream: 'transactional',
      force: true,
    });
  });
  it('defaults exports and webhook endpoints', () => {
    expect(CreateExportRequestSchema.parse({ type: 'invalid_addresses' })).toEqual({
      type: 'invalid_addresses',
      format: 'csv',
      filter: {},
      timezone: 'UTC',
    });
    const endpoint = CreateWebhookEndpointRequestSchema.parse({ url: 'https://shop.dk/hooks' });
    expect(endpoint.enabled).toBe(true);
    expect(endpoint.events).toContain('message.bounced');
    expect(CreateWebhookEndpointRequestSchema.safeParse({ url: 'ftp://shop.dk' }).success).toBe(false);
  });
  it('validates the sandbox control bodies', () => {
    expect(ClockRequestSchema.safeParse({ advance: 'PT6H' }).success).toBe(true);
    expect(ClockRequestSchema.safeParse({ advance: 'P3DT1H30M' }).success).toBe(true);
    expect(ClockRequestSchema.safeParse({ advance: '6 hours' }).success).toBe(false);
    expect(ClockRequestSchema.safeParse({ advance: 'PT' }).success).toBe(false);
    expect(ClockRequestSchema.safeParse({}).success).toBe(false);
    expect(ChaosSchema.parse({ smtp: { rcptTo: { probability: 0.5, code: 451 } } }).http.status).toEqual([
      503,
    ]);
    expect(ChaosSchema.safeParse({ smtp: { nope: { probability: 1, code: 451 } } }).success).toBe(false);
    expect(InboxQuerySchema.safeParse({ wait: '10s' }).success).toBe(true);
    expect(InboxQuerySchema.safeParse({ wait: 'soon' }).success).toBe(false);
    expect(TimezoneSchema.safeParse('Europe/Copenhagen').success).toBe(true);
  });
});
