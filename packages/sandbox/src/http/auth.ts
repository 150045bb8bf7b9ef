import { createHash } from 'node:crypto';
import { ProblemError } from './problem.js';
import type { AuthInfo } from './types.js';

const TEST_KEY = /^mp_test_[A-Za-z0-9_-]{1,200}$/;

/** The namespace of a key: a short hash, so keys never appear in the database or in URLs. */
export function namespaceForKey(apiKey: string): string {
  return `ns_${createHash('sha256').update(apiKey).digest('hex').slice(0, 24)}`;
}

/** Parses `Authorization: Bearer mp_test_...`. With `acceptAnyKey`, any bearer token is accepted. */
export function authenticateHeader(header: string | undefined, acceptAnyKey: boolean): AuthInfo {
  if (!header) {
    throw new ProblemError(401, 'unauthenticated', {
      detail: 'Send an API key: Authorization: Bearer mp_test_...',
      headers: { 'WWW-Authenticate': 'Bearer' },
    });
  }
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  const apiKey = match?.[1];
  if (!apiKey) {
    throw new ProblemError(401, 'unauthenticated', {
      detail: 'The Authorization header must be "Bearer <api key>"',
      headers: { 'WWW-Authenticate': 'Bearer' },
    });
  }
  return authenticateKey(apiKey, acceptAnyKey);
}

export function authenticateKey(apiKey: string, acceptAnyKey: boolean): AuthInfo {
  const test = TEST_KEY.test(apiKey);
  if (!test && !acceptAnyKey) {
    throw new ProblemError(401, 'unauthenticated', {
      detail: apiKey.startsWith('mp_live_')
        ? 'The sandbox never delivers: use a test key (mp_test_...)'
        : 'Invalid API key: the sandbox accepts any mp_test_<suffix> key',
      headers: { 'WWW-Authenticate': 'Bearer' },
    });
  }
  return { apiKey, namespace: namespaceForKey(apiKey), test };
}
