export type NetworkFailure = 'connect-failure' | 'connection-lost';

const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export interface NetworkErrorInfo {
  failure: NetworkFailure;
  /** The innermost system or undici code (`ECONNREFUSED`, `UND_ERR_SOCKET`), if any. */
  code: string | undefined;
  /** The innermost message (`connect ECONNREFUSED 127.0.0.1:9`). */
  detail: string;
}

/**
 * Whether a thrown transport error happened before the request reached the server (refused, DNS,
 * connect timeout, TLS handshake) or after it may have been written (reset, EPIPE, hang up). fetch
 * wraps the real error as `cause`, so the chain is walked. Unknown errors count as lost (the safe side).
 */
export function classifyNetworkError(error: unknown): NetworkErrorInfo {
  let code: string | undefined;
  let detail = 'network error';
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const record = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof record.code === 'string') code = record.code;
    if (typeof record.message === 'string' && record.message !== '') detail = record.message;
    current = record.cause;
  }
  const connect =
    code !== undefined &&
    (CONNECT_CODES.has(code) ||
      code.startsWith('ERR_TLS_') ||
      code.startsWith('ERR_SSL_') ||
      code.startsWith('CERT_'));
  return { failure: connect ? 'connect-failure' : 'connection-lost', code, detail };
}
