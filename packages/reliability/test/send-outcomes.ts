import { isMailPlatformError } from '@mailplatform/sdk';
import { runPool } from '../src/run-pool.js';

/** How one logical send ended at the client. */
export type Outcome =
  | { ref: string; ok: true; id: string; key: string; replayed: boolean }
  | { ref: string; ok: false; error: unknown; key: string | undefined };

/** What a successful send reports, whichever transport carried it. */
export interface SentResult {
  id: string;
  idempotencyKey: string;
  replayed: boolean;
}

/** Sends every ref through `send` with bounded concurrency and records each outcome at its index. */
export async function sendOutcomes(
  refs: readonly string[],
  concurrency: number,
  send: (ref: string) => Promise<SentResult>,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array(refs.length);
  await runPool(refs, concurrency, async (ref, index) => {
    try {
      const result = await send(ref);
      outcomes[index] = {
        ref,
        ok: true,
        id: result.id,
        key: result.idempotencyKey,
        replayed: result.replayed,
      };
    } catch (error) {
      outcomes[index] = {
        ref,
        ok: false,
        error,
        key: isMailPlatformError(error) ? error.idempotencyKey : undefined,
      };
    }
  });
  return outcomes;
}
