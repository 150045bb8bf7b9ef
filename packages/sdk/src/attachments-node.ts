import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  type Attachment,
  type AttachmentDisposition,
  type AttachmentInput,
  MAX_ATTACHMENT_BYTES,
  normalizeAttachments,
} from './attachments.js';
import { ValidationError } from './errors.js';

/** Node only: an attachment read from a file; the filename defaults to the file's base name. */
export interface AttachmentPathInput {
  path: string;
  filename?: string;
  contentType?: string;
  contentId?: string;
  disposition?: AttachmentDisposition;
}

export type NodeAttachmentInput = AttachmentInput | AttachmentPathInput;

function isPathInput(input: NodeAttachmentInput): input is AttachmentPathInput {
  return 'path' in input && input.path !== undefined;
}

async function readAttachment(input: AttachmentPathInput, index: number): Promise<AttachmentInput> {
  const field = `attachments[${index}].path`;
  if ('content' in input) {
    throw new ValidationError(`attachments[${index}] has both path and content; give one.`, { field });
  }
  if (typeof input.path !== 'string' || input.path === '') {
    throw new ValidationError(`${field} must be a non-empty string.`, { field });
  }
  const { path, ...rest } = input;
  let content: Uint8Array;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new ValidationError(`${field} is not a file: ${path}`, { field });
    if (info.size > MAX_ATTACHMENT_BYTES) {
      throw new ValidationError(
        `${field} is ${info.size} bytes; the limit is ${MAX_ATTACHMENT_BYTES} bytes per message: ${path}`,
        { field },
      );
    }
    content = await readFile(path);
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'unknown error'})`;
    throw new ValidationError(`${field} ${problem}: ${path}`, { field, cause: error });
  }
  return { ...rest, filename: rest.filename ?? basename(path), content };
}

/**
 * `normalizeAttachments` plus `{ path }` inputs, whose files are read here. Used by the Node entry;
 * the Web-standard build only has `normalizeAttachments`.
 */
export async function normalizeNodeAttachments(
  inputs: readonly NodeAttachmentInput[],
): Promise<Attachment[]> {
  const resolved: AttachmentInput[] = [];
  for (const [index, input] of inputs.entries()) {
    resolved.push(isPathInput(input) ? await readAttachment(input, index) : input);
  }
  return normalizeAttachments(resolved);
}
