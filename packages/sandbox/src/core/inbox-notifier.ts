/** Wakes long-polling inbox requests when a message lands in their namespace. */
export class InboxNotifier {
  private readonly waiters = new Map<string, Set<() => void>>();

  notify(namespace: string): void {
    const set = this.waiters.get(namespace);
    if (!set) return;
    this.waiters.delete(namespace);
    for (const wake of set) wake();
  }

  /** Resolves on the next message in the namespace, after `ms`, or when `signal` aborts. */
  wait(namespace: string, ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      let set = this.waiters.get(namespace);
      if (!set) {
        set = new Set();
        this.waiters.set(namespace, set);
      }
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done);
      set.add(done);
    });
  }

  close(): void {
    for (const set of this.waiters.values()) for (const wake of set) wake();
    this.waiters.clear();
  }
}
