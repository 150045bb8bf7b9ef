/**
 * Thrown by a `TimedTransport` when an attempt outlives its `timeoutMs`. Internal: `HttpClient` turns
 * it into the SDK's `TimeoutError` (or the deadline's), exactly as it does its own timer.
 */
export class TransportTimeoutError extends Error {
  override readonly name = 'TransportTimeoutError';

  constructor(timeoutMs: number) {
    super(`the attempt did not finish within ${timeoutMs} ms`);
  }
}
