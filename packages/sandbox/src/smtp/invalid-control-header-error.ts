/** A control header that cannot be honoured; the relay answers `554 5.6.0 Invalid <header> header`. */
export class InvalidControlHeaderError extends Error {
  readonly header: string;
  constructor(header: string, reason: string) {
    super(`Invalid ${header} header: ${reason}`);
    this.name = 'InvalidControlHeaderError';
    this.header = header;
  }
}
