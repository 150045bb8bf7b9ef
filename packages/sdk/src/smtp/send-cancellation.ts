/**
 * The cancellation of one SMTP send: its deadline timer and the caller's `signal` end whichever step
 * runs (waiting for a connection, opening one, the attempt, the backoff). A send runs one step at a
 * time, so one hook slot replaces an `AbortSignal` listener added and removed on every step.
 */
export class SendCancellation {
  aborted = false;
  reason: unknown = undefined;
  /** The deadline, not the caller's signal, ended the send. */
  deadlineHit = false;
  #hook: ((reason: unknown) => void) | undefined = undefined;

  abort(reason: unknown, deadlineHit: boolean): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.deadlineHit = deadlineHit;
    const hook = this.#hook;
    this.#hook = undefined;
    hook?.(reason);
  }

  /** `hook` runs (once) if the send is aborted before `clear()`; it replaces the previous step's hook. */
  onAbort(hook: (reason: unknown) => void): void {
    this.#hook = hook;
  }

  clear(): void {
    this.#hook = undefined;
  }
}
