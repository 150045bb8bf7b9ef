/** A seeded source of randomness for the fault layer: sequential draws and order-independent draws. */
export interface Prng {
  readonly seed: number;
  /** The next number in [0, 1) of the sequence. */
  next(): number;
  /** A number in [0, 1) that depends only on the seed and `labels`, never on call order. */
  at(...labels: readonly (string | number)[]): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
}

/** mulberry32: 32-bit state, good enough to pick faults. */
function mulberry32(state: number): () => number {
  let a = state >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** FNV-1a over the text, mixed with the seed. */
function hash(seed: number, text: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export function createPrng(seed: number): Prng {
  const next = mulberry32(seed);
  return {
    seed,
    next,
    at: (...labels) => mulberry32(hash(seed, labels.join('\u0000')))(),
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
  };
}

/**
 * The run's seed: `FAULT_SEED` when set (reproduces a run), else a fresh one. Throws on a malformed
 * `FAULT_SEED` rather than silently running another seed.
 */
export function resolveSeed(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env.FAULT_SEED;
  if (raw === undefined || raw.trim() === '') return Math.floor(Math.random() * 2 ** 31);
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed) || seed < 0 || seed >= 2 ** 32) {
    throw new Error(`FAULT_SEED must be an integer in [0, 2^32), got ${JSON.stringify(raw)}`);
  }
  return seed;
}
