import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export type IdPrefix = 'msg' | 'evt' | 'tmpl' | 'sup' | 'wh' | 'whd' | 'exp' | 'key' | 'req' | 'job' | 'trk';

function encodeTime(ms: number): string {
  let out = '';
  let rest = ms;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

/**
 * ULID-style ids: 10 characters of milliseconds + 16 of randomness, Crockford base32.
 * Monotonic: within one millisecond (or when the clock moves backwards) the random part is incremented,
 * so ids sort in creation order even when the virtual clock is set back.
 */
export class IdGenerator {
  private lastTime = 0;
  private readonly lastRandom = new Uint8Array(16);

  constructor(private readonly now: () => number) {}

  next(prefix: IdPrefix): string {
    const time = Math.max(this.now(), this.lastTime);
    if (time === this.lastTime) {
      this.increment();
    } else {
      this.lastTime = time;
      const bytes = randomBytes(16);
      for (let i = 0; i < 16; i++) this.lastRandom[i] = bytes[i]! % 32;
      // keep headroom so increments never overflow within a millisecond
      this.lastRandom[0] = this.lastRandom[0]! % 16;
    }
    let random = '';
    for (const digit of this.lastRandom) random += ALPHABET[digit];
    return `${prefix}_${encodeTime(time)}${random}`;
  }

  private increment(): void {
    for (let i = 15; i >= 0; i--) {
      const digit = this.lastRandom[i]! + 1;
      if (digit < 32) {
        this.lastRandom[i] = digit;
        return;
      }
      this.lastRandom[i] = 0;
    }
    this.lastTime += 1;
  }
}
