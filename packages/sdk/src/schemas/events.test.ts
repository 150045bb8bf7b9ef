import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import {
  EVENT_SCHEMAS,
  EVENT_TYPES,
  EventSchema,
  isKnownEvent,
  ListEventsQuerySchema,
  parseEvent,
} from './events.js';

const bounced = {
  id: 'evt_01JPB0AAAAAAAAAAAAAAAAAAAA',
  type: 'message.bounced',
  timestamp: '2025-03-14T08:00:04.512Z',
  apiVersion: 'v1',
  data: {
    messageId: 'msg_01JPA6Q3W8C2M9Y4V7T1H5K0ZD',
    recipient: 'gammel@example.dk',
    stream: 'transactional',
    tag: 'order-confirmation',
    metadata: { orderId: '1042' },
    from: 'ordre@shop.dk',
    subject: 'Ordrebekræftelse #1042',
    bounce: {
      class: 'hard',
      type: 'mailbox_not_found',
      smtpCode: 550,
      enhancedCode: '5.1.1',
      diagnostic: '550 5.1.1 The email account that you tried to reach does not exist',
      remoteMta: 'gmail-smtp-in.l.google.com',
      phase: 'rcpt',
      attempts: 1,
    },
    suppression: { created: true, reason: 'hard_bounce' },
  },
};

describe('EventSchema', () => {
  it('parses the contract example and narrows on type', () => {
    const event = EventSchema.parse(bounced);
    expect(event.type).toBe('message.bounced');
    if (event.type === 'message.bounced') expect(event.data.bounce.class).toBe('hard');
  });

  it('has a schema for every event type', () => {
    expect(Object.keys(EVENT_SCHEMAS).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('ignores unknown fields', () => {
    const event = EventSchema.parse({ ...bounced, extra: 1, data: { ...bounced.data, newField: 'x' } });
    expect(event).not.toHaveProperty('extra');
  });
});

describe('parseEvent', () => {
  it('parses JSON text of a known type', () => {
    const event = parseEvent(JSON.stringify(bounced));
    expect(isKnownEvent(event)).toBe(true);
  });

  it('accepts unknown event types as UnknownEvent, keeping their fields', () => {
    const event = parseEvent({
      ...bounced,
      type: 'message.teleported',
      data: { where: 'mars' },
      extra: true,
    });
    expect(isKnownEvent(event)).toBe(false);
    expect(event).toEqual({ ...bounced, type: 'message.teleported', data: { where: 'mars' }, extra: true });
  });

  it('throws ValidationError naming the field for a malformed known event', () => {
    const broken = {
      ...bounced,
      data: { ...bounced.data, bounce: { ...bounced.data.bounce, class: 'squishy' } },
    };
    expect(() => parseEvent(broken)).toThrowError(ValidationError);
    try {
      parseEvent(broken);
    } catch (error) {
      expect((error as ValidationError).field).toBe('/data/bounce/class');
    }
  });

  it('throws ValidationError for a broken envelope or invalid JSON', () => {
    expect(() => parseEvent({ type: 'message.bounced' })).toThrowError(ValidationError);
    expect(() => parseEvent('{not json')).toThrowError('The event is not valid JSON');
  });
});

describe('ListEventsQuerySchema', () => {
  it('parses query-string values', () => {
    expect(ListEventsQuerySchema.parse({ type: 'message.opened', limit: '20' })).toEqual({
      type: ['message.opened'],
      limit: 20,
      order: 'desc',
    });
    expect(ListEventsQuerySchema.parse({ type: ['message.opened', 'message.clicked'] }).type).toEqual([
      'message.opened',
      'message.clicked',
    ]);
  });

  it('rejects limits outside 1–500 and unknown types', () => {
    expect(ListEventsQuerySchema.safeParse({ limit: '0' }).success).toBe(false);
    expect(ListEventsQuerySchema.safeParse({ limit: '501' }).success).toBe(false);
    expect(ListEventsQuerySchema.safeParse({ type: 'message.nope' }).success).toBe(false);
  });
});
