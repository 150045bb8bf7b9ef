/**
 * The event envelope as far as the webhook layer needs it (platform-contract §13), without zod at
 * run time, so that verifying a webhook loads no schema library. The event types come from the
 * schemas (a type-only import), so handlers get fully typed `data`.
 */

import { EVENT_TYPES, type EventType } from '../event-types.js';
import type { EventOf, MailEvent } from '../schemas/events.js';

export { EVENT_TYPES, type EventOf, type EventType, type MailEvent };

export interface EventEnvelope<T extends string = string> {
  id: string;
  type: T;
  timestamp: string;
  apiVersion?: string;
  data: Record<string, unknown>;
}

const TYPE_PATTERN = /^[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)+$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when `value` has the envelope's shape: `id`, a dotted `type`, `timestamp` and a `data` object. */
export function isEventEnvelope(value: unknown): value is EventEnvelope {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    value.id.length > 0 &&
    typeof value.type === 'string' &&
    TYPE_PATTERN.test(value.type) &&
    typeof value.timestamp === 'string' &&
    (value.apiVersion === undefined || typeof value.apiVersion === 'string') &&
    isRecord(value.data)
  );
}

const KNOWN_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);

/** False for a type added to the platform after this SDK version: such events are acknowledged, not dispatched. */
export function isKnownEvent(event: EventEnvelope): event is MailEvent {
  return KNOWN_TYPES.has(event.type);
}
