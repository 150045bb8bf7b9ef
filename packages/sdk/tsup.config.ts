import { defineConfig } from 'tsup';

// One build, so every entry shares the same chunks (one copy of the error classes across
// `.`, `./webhooks` and `./schemas`). `platform: 'neutral'` keeps esbuild from assuming Node: the
// default entry's graph must not reach node:*, undici or nodemailer (test/default-entry.test.ts proves
// it on the sources); the Node-only files reach them through the externals below.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'node/index': 'src/index.node.ts',
    'schemas/index': 'src/schemas/index.ts',
    'webhooks/index': 'src/webhooks/index.ts',
    'smtp/index': 'src/smtp/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  splitting: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'neutral',
  external: ['zod', 'undici', 'nodemailer', /^node:/],
  // Keep `node:` specifiers as written (tsup strips them by default).
  removeNodeProtocol: false,
  outDir: 'dist',
});
