/** Remembers `webhook-id`s that were handled, so a redelivery is acknowledged without running the handler again. */
export interface DedupeStore {
  has(id: string): Promise<boolean>;
  put(id: string, ttlSeconds: number): Promise<void>;
}

/** Longer than the platform's retry span (about 3 days). */
export const DEFAULT_DEDUPE_TTL_SECONDS = 5 * 24 * 60 * 60;
/** About 10–15 MB of ids; more than ~20,000 events a day outgrow 5 days of it: use a shared store. */
export const DEFAULT_DEDUPE_MAX_ENTRIES = 100_000;

export interface MemoryDedupeStoreOptions {
  /** Upper bound on how long an id is kept; `put` may ask for less. Default 5 days. */
  ttlSeconds?: number;
  /** When full, the oldest id is forgotten first. Default 100,000. */
  maxEntries?: number;
  /** ms since the epoch (injected by tests). Default `Date.now`. */
  now?: () => number;
}

/** A bounded in-memory store: enough for one process; use a shared store (Redis, SQL) for several. */
export function createMemoryDedupeStore(options: MemoryDedupeStoreOptions = {}): DedupeStore {
  const maxTtlMs = (options.ttlSeconds ?? DEFAULT_DEDUPE_TTL_SECONDS) * 1000;
  const maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_DEDUPE_MAX_ENTRIES);
  const now = options.now ?? Date.now;
  /** id → expiry (ms); insertion order is age order because `put` re-inserts. */
  const expiries = new Map<string, number>();

  return {
    async has(id) {
      const expiry = expiries.get(id);
      if (expiry === undefined) return false;
      if (expiry > now()) return true;
      expiries.delete(id);
      return false;
    },
    async put(id, ttlSeconds) {
      expiries.delete(id);
      expiries.set(id, now() + Math.min(ttlSeconds * 1000, maxTtlMs));
      for (const oldest of expiries.keys()) {
        if (expiries.size <= maxEntries) break;
        expiries.delete(oldest);
      }
    },
  };
}
