import { mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ATTACHMENT_BYTES } from './attachments.js';
import { normalizeNodeAttachments } from './attachments-node.js';
import { ValidationError } from './errors.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mp-attachments-'));
  await writeFile(join(dir, 'faktura.pdf'), 'Hello, world!');
  await mkdir(join(dir, 'folder'));
  await writeFile(join(dir, 'huge.bin'), '');
  await truncate(join(dir, 'huge.bin'), MAX_ATTACHMENT_BYTES + 1);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function errorOf(promise: Promise<unknown>): Promise<ValidationError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe('normalizeNodeAttachments', () => {
  it('reads a file, takes the filename from the path and guesses the type', async () => {
    const [attachment] = await normalizeNodeAttachments([{ path: join(dir, 'faktura.pdf') }]);
    expect(attachment).toEqual({
      filename: 'faktura.pdf',
      contentType: 'application/pdf',
      content: 'SGVsbG8sIHdvcmxkIQ==',
      disposition: 'attachment',
    });
  });

  it('lets filename, contentType and contentId override, and mixes path and content inputs', async () => {
    const result = await normalizeNodeAttachments([
      { filename: 'a.txt', content: Buffer.from('a') },
      { path: join(dir, 'faktura.pdf'), filename: 'invoice-1042.txt', contentId: 'inv' },
    ]);
    expect(result).toEqual([
      { filename: 'a.txt', contentType: 'text/plain', content: 'YQ==', disposition: 'attachment' },
      {
        filename: 'invoice-1042.txt',
        contentType: 'text/plain',
        content: 'SGVsbG8sIHdvcmxkIQ==',
        contentId: 'inv',
        disposition: 'inline',
      },
    ]);
  });

  it('names the field and the path when the file is missing', async () => {
    const missing = join(dir, 'nope.pdf');
    const error = await errorOf(
      normalizeNodeAttachments([{ filename: 'a.txt', content: 'YQ==' }, { path: missing }]),
    );
    expect(error.field).toBe('attachments[1].path');
    expect(error.message).toBe(`attachments[1].path does not exist: ${missing}`);
  });

  it('rejects a directory and an oversize file without reading it', async () => {
    const folder = await errorOf(normalizeNodeAttachments([{ path: join(dir, 'folder') }]));
    expect(folder.field).toBe('attachments[0].path');
    expect(folder.message).toContain('is not a file');
    const huge = await errorOf(normalizeNodeAttachments([{ path: join(dir, 'huge.bin') }]));
    expect(huge.field).toBe('attachments[0].path');
    expect(huge.message).toContain(`${MAX_ATTACHMENT_BYTES + 1} bytes`);
  });

  it('rejects path and content together, and an empty path', async () => {
    const both = { path: join(dir, 'faktura.pdf'), content: 'YQ==', filename: 'x' };
    expect((await errorOf(normalizeNodeAttachments([both]))).message).toBe(
      'attachments[0] has both path and content; give one.',
    );
    expect((await errorOf(normalizeNodeAttachments([{ path: '' }]))).field).toBe('attachments[0].path');
  });

  it('still validates content inputs the Web way', async () => {
    const error = await errorOf(normalizeNodeAttachments([{ filename: 'a.txt', content: '***' }]));
    expect(error.field).toBe('attachments[0].content');
  });
});
