import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SDK_DIR = join(ROOT, 'packages/sdk');
/** The Node ESM build, exactly what `import '@mailplatform/sdk'` loads in Node. */
export const SDK_NODE_ENTRY = join(SDK_DIR, 'dist/node/index.js');

export function sdkBuilt() {
  return existsSync(SDK_NODE_ENTRY);
}

/**
 * Runs `task`; if it fails while the SDK build is missing (a rebuild in progress: tsup cleans dist
 * first), waits up to `waitMs` for the build to come back and runs it once more.
 */
export async function withSdkBuild(task, waitMs = 120_000) {
  try {
    return await task();
  } catch (error) {
    if (sdkBuilt()) throw error;
    const until = Date.now() + waitMs;
    while (!sdkBuilt()) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    return task();
  }
}

/**
 * undici as the SDK resolves it (packages/sdk/node_modules/undici, v7), not the root's v6: the raw
 * baseline must run the same HTTP stack the SDK's transport uses.
 */
export function sdkUndici() {
  const require = createRequire(join(SDK_DIR, 'package.json'));
  const entry = require.resolve('undici');
  let dir = dirname(entry);
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  return { url: pathToFileURL(entry).href, version };
}

export function packageVersion(name) {
  const require = createRequire(join(ROOT, 'package.json'));
  let dir = dirname(require.resolve(name));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
}
