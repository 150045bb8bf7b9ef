// `node --import ./record-modules.mjs …` appends the URL of every module the process loaded to the file
// named by MAILPLATFORM_MODULE_LOG, one per line: ES modules as they resolve (a loader hook), CommonJS
// modules from the require cache at exit. The start-up test and bench/cli-startup.mjs use it to check
// that `--version` and `--help` load neither the SDK, the sandbox nor nodemailer.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';

const log = process.env.MAILPLATFORM_MODULE_LOG;

if (isMainThread && log) {
  register(import.meta.url);
  const cache = createRequire(import.meta.url).cache;
  process.on('exit', () => {
    const urls = Object.keys(cache).map((path) => pathToFileURL(path).href);
    if (urls.length > 0) appendFileSync(log, `${urls.join('\n')}\n`);
  });
}

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (log) appendFileSync(log, `${resolved.url}\n`);
  return resolved;
}
