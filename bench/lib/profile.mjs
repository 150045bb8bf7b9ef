import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { ROOT } from './paths.mjs';

function where(url) {
  if (url === '') return '';
  const path = url.startsWith('file://') ? new URL(url).pathname : url;
  return path.startsWith('/') ? relative(ROOT, path) : path;
}

function area(url) {
  if (url === '') return '(native / engine)';
  if (url.startsWith('node:')) return 'node core';
  const path = where(url);
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (module !== null)
    return `${module[1]} (${path.includes('packages/sdk/node_modules') ? 'sdk dep' : 'dep'})`;
  if (path.startsWith('packages/sdk/dist')) return '@mailplatform/sdk';
  return path;
}

/**
 * Self time of a V8 `.cpuprofile` by function and by area (node core, undici, the SDK, ...), in ms,
 * with the share of all non-idle samples.
 */
export function summarizeProfile(file, top = 20) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const interval = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length);
  const byFunction = new Map();
  const byArea = new Map();
  let total = 0;
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || node.hitCount === 0) continue;
    const ms = node.hitCount * interval;
    total += ms;
    const name = functionName === '' ? '(anonymous)' : functionName;
    const key = `${name}  ${where(url)}${url === '' ? '' : `:${lineNumber + 1}`}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
    const group = name.startsWith('(') ? name : area(url);
    byArea.set(group, (byArea.get(group) ?? 0) + ms);
  }
  const rank = (map) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, ms, share: ms / total }));
  return { totalMs: total, functions: rank(byFunction), areas: rank(byArea) };
}
