import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
};

// ESM only. Every dependency stays external (better-sqlite3 is a native addon); the SDK is external too,
// since the sandbox validates with its schemas.
export default defineConfig({
  entry: { index: 'src/index.ts', bin: 'src/bin.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  splitting: true,
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  external: [
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}),
    '@mailplatform/sdk',
    'zod',
  ],
});
