import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SANDBOX_VERSION } from './version.js';

describe('SANDBOX_VERSION', () => {
  it('equals the version in packages/sandbox/package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(SANDBOX_VERSION).toBe(pkg.version);
  });
});
