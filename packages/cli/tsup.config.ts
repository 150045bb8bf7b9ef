import { defineConfig } from 'tsup';

// ESM only; the bin keeps its shebang and every command stays a lazily loaded chunk.
export default defineConfig({
  entry: { bin: 'src/bin.ts', index: 'src/index.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  splitting: true,
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  external: ['@mailplatform/sdk', '@mailplatform/sandbox'],
});
