import { SDK_VERSION } from '../version.js';

export interface RuntimeInfo {
  name: string;
  version: string | undefined;
  /** Browsers (and browser-like workers) forbid setting `User-Agent` on fetch. */
  browser: boolean;
}

interface RuntimeGlobals {
  Deno?: { version?: { deno?: string } };
  Bun?: { version?: string };
  EdgeRuntime?: unknown;
  navigator?: { userAgent?: string };
  document?: unknown;
  process?: { versions?: { node?: string } };
}

export function detectRuntime(): RuntimeInfo {
  const g = globalThis as RuntimeGlobals;
  if (g.Deno?.version?.deno !== undefined)
    return { name: 'deno', version: g.Deno.version.deno, browser: false };
  if (g.Bun?.version !== undefined) return { name: 'bun', version: g.Bun.version, browser: false };
  if (typeof g.EdgeRuntime === 'string') return { name: 'edge-runtime', version: undefined, browser: false };
  if (g.navigator?.userAgent === 'Cloudflare-Workers')
    return { name: 'workerd', version: undefined, browser: false };
  if (g.process?.versions?.node !== undefined)
    return { name: 'node', version: g.process.versions.node, browser: false };
  return {
    name: g.document === undefined ? 'unknown' : 'browser',
    version: undefined,
    browser: g.document !== undefined,
  };
}

/** `mailplatform-node/<sdk version> (<runtime>/<version>)`, plus the caller's suffix. */
export function buildUserAgent(runtime: RuntimeInfo, suffix?: string): string {
  const env = runtime.version === undefined ? runtime.name : `${runtime.name}/${runtime.version}`;
  const base = `mailplatform-node/${SDK_VERSION} (${env})`;
  return suffix === undefined || suffix === '' ? base : `${base} ${suffix}`;
}
