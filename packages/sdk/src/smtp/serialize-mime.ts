import type { Transform, TransformCallback } from 'node:stream';
import { Encoder as Base64Encoder } from 'nodemailer/lib/base64';
import type MimeNode from 'nodemailer/lib/mime-node';
import { Encoder as QpEncoder } from 'nodemailer/lib/qp';

type Part = string | Buffer;

const BUFFER_CHUNK = 'buffer' as BufferEncoding;

const done: TransformCallback = (error) => {
  if (error) throw error;
};

/** A tree `serializeMime` can write: every content is a string or a Buffer (no stream, file or URL). */
function inMemory(node: MimeNode): boolean {
  const { content } = node;
  if (content && typeof content !== 'string' && !Buffer.isBuffer(content)) return false;
  return node.childNodes.every(inMemory);
}

/** Runs nodemailer's own encoder over the content as the one chunk its content stream would deliver. */
function encodeInto(encoder: Transform, content: Buffer, parts: Part[]): void {
  encoder.push = (chunk: Part | null): boolean => {
    if (chunk) parts.push(chunk);
    return true;
  };
  // what a Writable passes for a Buffer chunk ('buffer' is missing from @types/node's BufferEncoding)
  encoder._transform(content, BUFFER_CHUNK, done);
  encoder._flush?.(done);
}

/** `MimeNode#stream` without the streams: headers, the encoded content, then the children between boundaries. */
function writeNode(node: MimeNode, parts: Part[]): void {
  const transferEncoding = node.getTransferEncoding();
  parts.push(`${node.buildHeaders()}\r\n\r\n`);
  const { content } = node;
  if (typeof content === 'string' || Buffer.isBuffer(content)) {
    if (content.length > 0) {
      const bytes = typeof content === 'string' ? Buffer.from(content) : content;
      if (transferEncoding === 'base64') encodeInto(new Base64Encoder({}), bytes, parts);
      else if (transferEncoding === 'quoted-printable') {
        encodeInto(new QpEncoder({ binary: !/^text\//i.test(node.contentType ?? '') }), bytes, parts);
      } else parts.push(bytes);
    }
  }
  if (!node.multipart) return;
  node.childNodes.forEach((child, index) => {
    parts.push(`${index > 0 ? '\r\n' : ''}--${node.boundary}\r\n`);
    writeNode(child, parts);
  });
  parts.push(`\r\n--${node.boundary}--\r\n`);
}

/**
 * The bytes `node.build()` produces, written synchronously: nodemailer streams every node through a
 * pipeline with a `setImmediate` per step, which costs more than the message itself. Only for a tree
 * built by `MailComposer` without `raw`, `newline`, transforms or DKIM, as `buildMime` builds it;
 * `undefined` when some content is a stream, a file or a URL (then use `node.build()`).
 */
export function serializeMime(node: MimeNode): Buffer | undefined {
  if (!inMemory(node)) return undefined;
  const parts: Part[] = [];
  writeNode(node, parts);
  const buffers = parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part));
  const last = buffers.findLast((buffer) => buffer.length > 0);
  const lastByte = last?.[last.length - 1];
  // nodemailer's LastNewline: the message ends with a line break
  if (lastByte === 0x0d) buffers.push(Buffer.from('\n'));
  else if (lastByte !== 0x0a) buffers.push(Buffer.from('\r\n'));
  return Buffer.concat(buffers);
}
