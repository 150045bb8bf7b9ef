export const RETRY_COST = 5;
export const RETRY_AFTER_TIMEOUT_COST = 10;

/**
 * Per-client token bucket against retry storms (reliability.md "Retry budget"): a retry costs 5 tokens
 * (10 after a timeout), a retried call that succeeds gets its tokens back, a first-attempt success
 * adds 1. With too few tokens the call fails fast instead of retrying.
 */
export class RetryBudget {
  readonly capacity: number;
  #tokens: number;

  constructor(capacity = 500) {
    this.capacity = capacity;
    this.#tokens = capacity;
  }

  get tokens(): number {
    return this.#tokens;
  }

  /** Takes `cost` tokens and returns true, or returns false and takes nothing. */
  tryAcquire(cost: number): boolean {
    if (this.#tokens < cost) return false;
    this.#tokens -= cost;
    return true;
  }

  /** A call succeeded after retries that cost `spent` tokens in total. */
  refund(spent: number): void {
    this.#tokens = Math.min(this.capacity, this.#tokens + spent);
  }

  recordFirstAttemptSuccess(): void {
    if (this.#tokens < this.capacity) this.#tokens += 1;
  }
}
