import type { IncomingMessage } from 'node:http';
import { ProblemError } from './problem.js';

export const MAX_BODY_BYTES = 50 * 1024 * 1024;
/** Past this many bytes an oversized upload is cut off instead of drained. */
const MAX_DRAIN_BYTES = 4 * MAX_BODY_BYTES;

/**
 * Reads the body up to `limit` bytes. A larger body is drained (so the client can read the 413)
 * and then rejected with `payload_too_large`.
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        if (size > MAX_DRAIN_BYTES) req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooLarge) reject(tooLargeError(limit));
      else resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
    req.on('close', () => {
      if (tooLarge) reject(tooLargeError(limit));
    });
  });
}

function tooLargeError(limit: number): ProblemError {
  return new ProblemError(413, 'payload_too_large', {
    detail: `The request body exceeds ${limit / 1024 / 1024} MB`,
  });
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Parses a JSON body; invalid UTF-8 and invalid JSON are both `malformed_json`. */
export function parseJsonBody(raw: Buffer): unknown {
  let text: string;
  try {
    text = decoder.decode(raw);
  } catch {
    throw new ProblemError(400, 'malformed_json', { detail: 'The body is not valid UTF-8' });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ProblemError(400, 'malformed_json', {
      detail: error instanceof Error ? error.message : 'The body is not valid JSON',
    });
  }
}
