import { describe, expect, it } from 'vitest';
import {
  type AttachmentInput,
  guessContentType,
  MAX_ATTACHMENT_BYTES,
  normalizeAttachment,
  normalizeAttachments,
} from './attachments.js';
import { InvalidHeaderError, ValidationError } from './errors.js';

function errorOf(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  return expect.unreachable('no error thrown');
}

const HELLO = new TextEncoder().encode('Hello, world!');

describe('normalizeAttachment', () => {
  it('encodes bytes, ArrayBuffers and keeps base64 strings, all to the same wire content', () => {
    const expected = {
      filename: 'faktura.pdf',
      contentType: 'application/pdf',
      content: 'SGVsbG8sIHdvcmxkIQ==',
      disposition: 'attachment',
    };
    expect(normalizeAttachment({ filename: 'faktura.pdf', content: HELLO }, 0)).toEqual(expected);
    expect(normalizeAttachment({ filename: 'faktura.pdf', content: HELLO.slice().buffer }, 0)).toEqual(
      expected,
    );
    expect(normalizeAttachment({ filename: 'faktura.pdf', content: 'SGVsbG8sIHdvcmxkIQ==' }, 0)).toEqual(
      expected,
    );
  });

  it('canonicalises base64 strings: strips line breaks, adds missing padding', () => {
    const wrapped = normalizeAttachment({ filename: 'a.txt', content: 'SGVs\r\nbG8s IHdv\ncmxkIQ' }, 0);
    expect(wrapped.content).toBe('SGVsbG8sIHdvcmxkIQ==');
  });

  it('encodes large and non-ASCII bytes exactly (chunked btoa)', () => {
    const bytes = new Uint8Array(100_003).map((_, i) => (i * 31 + 7) % 256);
    const { content } = normalizeAttachment({ filename: 'blob.bin', content: bytes }, 0);
    expect(content).toBe(Buffer.from(bytes).toString('base64'));
  });

  it('encodes a Uint8Array view over a larger buffer using only its own bytes', () => {
    const view = new Uint8Array([0, 1, 2, 3, 4, 5]).subarray(2, 4);
    expect(normalizeAttachment({ filename: 'x.bin', content: view }, 0).content).toBe('AgM=');
  });

  it.each([
    ['report.PDF', 'application/pdf'],
    ['logo.png', 'image/png'],
    ['photo.jpg', 'image/jpeg'],
    ['photo.jpeg', 'image/jpeg'],
    ['anim.gif', 'image/gif'],
    ['icon.svg', 'image/svg+xml'],
    ['notes.txt', 'text/plain'],
    ['orders.csv', 'text/csv'],
    ['page.html', 'text/html'],
    ['invite.ics', 'text/calendar'],
    ['archive.zip', 'application/zip'],
    ['data.json', 'application/json'],
    ['feed.xml', 'application/xml'],
    ['program.exe', 'application/octet-stream'],
    ['README', 'application/octet-stream'],
    ['archive.tar.gz', 'application/octet-stream'],
  ])('guesses %s as %s', (filename, type) => {
    expect(guessContentType(filename)).toBe(type);
    expect(normalizeAttachment({ filename, content: HELLO }, 0).contentType).toBe(type);
  });

  it('keeps an explicit contentType', () => {
    const attachment = normalizeAttachment(
      { filename: 'a.pdf', content: HELLO, contentType: 'text/plain; charset=utf-8' },
      0,
    );
    expect(attachment.contentType).toBe('text/plain; charset=utf-8');
  });

  it('makes an attachment with a contentId inline unless a disposition is given', () => {
    expect(
      normalizeAttachment({ filename: 'logo.png', content: HELLO, contentId: 'logo@shop' }, 0),
    ).toMatchObject({
      contentId: 'logo@shop',
      disposition: 'inline',
    });
    expect(
      normalizeAttachment(
        { filename: 'logo.png', content: HELLO, contentId: 'logo', disposition: 'attachment' },
        0,
      ),
    ).toMatchObject({ contentId: 'logo', disposition: 'attachment' });
    expect(normalizeAttachment({ filename: 'logo.png', content: HELLO }, 0)).not.toHaveProperty('contentId');
  });

  it.each(['not base64!', 'SGVsbG8*', 'A', 'SGVsbG8sIHdvcmxkIQ===', 'SG=VsbG8', '-_-_'])(
    'rejects the base64 string %j naming the field',
    (content) => {
      const error = errorOf(() => normalizeAttachment({ filename: 'a.txt', content }, 3));
      expect(error.field).toBe('attachments[3].content');
      expect(error.message).toBe(
        'attachments[3].content is not valid base64. A string is read as base64; pass text as bytes (new TextEncoder().encode(text), or Buffer.from(text) on Node).',
      );
    },
  );

  it('rejects content that is neither bytes nor a string', () => {
    const input = { filename: 'a.txt', content: 42 } as unknown as AttachmentInput;
    expect(errorOf(() => normalizeAttachment(input, 0)).field).toBe('attachments[0].content');
  });

  it('accepts exactly the limit and rejects one byte more, for bytes and for base64', () => {
    const atLimit = new Uint8Array(MAX_ATTACHMENT_BYTES);
    expect(normalizeAttachment({ filename: 'big.bin', content: atLimit }, 0).content).toHaveLength(
      Math.ceil(MAX_ATTACHMENT_BYTES / 3) * 4,
    );
    const over = new Uint8Array(MAX_ATTACHMENT_BYTES + 1);
    const bytesError = errorOf(() => normalizeAttachment({ filename: 'big.bin', content: over }, 1));
    expect(bytesError.field).toBe('attachments[1].content');
    expect(bytesError.message).toContain(`${MAX_ATTACHMENT_BYTES + 1} bytes`);
    const overBase64 = 'A'.repeat(Math.ceil((MAX_ATTACHMENT_BYTES + 1) / 3) * 4);
    expect(errorOf(() => normalizeAttachment({ filename: 'big.bin', content: overBase64 }, 2)).field).toBe(
      'attachments[2].content',
    );
  });

  it('rejects a missing filename and control characters in header fields', () => {
    const missing = { content: HELLO } as unknown as AttachmentInput;
    expect(errorOf(() => normalizeAttachment(missing, 0)).field).toBe('attachments[0].filename');
    const cases: [Partial<AttachmentInput>, string][] = [
      [{ filename: 'a\r\nBcc: x@y.dk' }, 'attachments[0].filename'],
      [{ contentType: 'text/plain\nX-Evil: 1' }, 'attachments[0].contentType'],
      [{ contentId: 'logo\u0000' }, 'attachments[0].contentId'],
    ];
    for (const [patch, field] of cases) {
      const error = errorOf(() => normalizeAttachment({ filename: 'a.txt', content: HELLO, ...patch }, 0));
      expect(error).toBeInstanceOf(InvalidHeaderError);
      expect(error.field).toBe(field);
    }
  });

  it('rejects a malformed contentType and an unknown disposition', () => {
    expect(
      errorOf(() => normalizeAttachment({ filename: 'a.txt', content: HELLO, contentType: 'pdf' }, 0)).field,
    ).toBe('attachments[0].contentType');
    const input = { filename: 'a.txt', content: HELLO, disposition: 'hidden' } as unknown as AttachmentInput;
    expect(errorOf(() => normalizeAttachment(input, 0)).field).toBe('attachments[0].disposition');
  });
});

describe('normalizeAttachments', () => {
  it('names the offending index', () => {
    const error = errorOf(() =>
      normalizeAttachments([
        { filename: 'ok.txt', content: HELLO },
        { filename: 'bad.txt', content: '%%%' },
      ]),
    );
    expect(error.field).toBe('attachments[1].content');
  });

  it('rejects attachments that are each within the limit but exceed it together', () => {
    const half = new Uint8Array(MAX_ATTACHMENT_BYTES / 2 + 1);
    const error = errorOf(() =>
      normalizeAttachments([
        { filename: 'a.bin', content: half },
        { filename: 'b.bin', content: half },
      ]),
    );
    expect(error.field).toBe('attachments');
    expect(normalizeAttachments([{ filename: 'a.bin', content: half }])).toHaveLength(1);
  });
});
