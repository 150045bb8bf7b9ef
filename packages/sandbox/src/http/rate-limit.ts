interface Window {
  start: number;
  used: number;
}

interface Policy {
  name: 'send' | 'api';
  quota: number;
  windowSeconds: number;
}

const POLICIES: Policy[] = [
  { name: 'send', quota: 50, windowSeconds: 1 },
  { name: 'api', quota: 600, windowSeconds: 60 },
];

/**
 * Counts requests per namespace in fixed real-time windows and reports them in the RateLimit headers
 * (draft-ietf-httpapi-ratelimit-headers-07 shape). The sandbox reports but does not enforce quotas:
 * forced 429s come from the chaos settings.
 */
export class RateLimitCounter {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly now: () => number = Date.now) {}

  headers(namespace: string, sends: number): Record<string, string> {
    const parts: string[] = [];
    for (const policy of POLICIES) {
      const window = this.use(`${policy.name}:${namespace}`, policy, policy.name === 'send' ? sends : 1);
      const remaining = Math.max(policy.quota - window.used, 0);
      const reset = Math.max(Math.ceil((window.start + policy.windowSeconds * 1000 - this.now()) / 1000), 0);
      parts.push(`"${policy.name}";r=${remaining};t=${reset}`);
    }
    return {
      'RateLimit-Policy': POLICIES.map((p) => `"${p.name}";q=${p.quota};w=${p.windowSeconds}`).join(', '),
      RateLimit: parts.join(', '),
    };
  }

  private use(key: string, policy: Policy, amount: number): Window {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || now - window.start >= policy.windowSeconds * 1000) {
      window = { start: now, used: 0 };
      this.windows.set(key, window);
    }
    window.used += amount;
    return window;
  }
}
