const CHUNK_CHARS = 64 * 1024;

/** Collects output as UTF-8 chunks of about 64 KB, so a large export never becomes one huge string. */
export class ChunkWriter {
  private readonly chunks: Buffer[] = [];
  private pending: string[] = [];
  private pendingChars = 0;

  write(text: string): void {
    this.pending.push(text);
    this.pendingChars += text.length;
    if (this.pendingChars >= CHUNK_CHARS) this.flush();
  }

  finish(): Buffer {
    this.flush();
    return Buffer.concat(this.chunks);
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.chunks.push(Buffer.from(this.pending.join(''), 'utf8'));
    this.pending = [];
    this.pendingChars = 0;
  }
}
