/** Limits of the send contract (platform-contract.md §5), shared by the client checks and the zod schemas. */
export const LIMITS = {
  /** to + cc + bcc. */
  maxRecipients: 50,
  /** Messages per batch request. */
  maxBatchMessages: 500,
  /** Bytes after base64 decoding, per attachment and for all attachments of a message together. */
  maxMessageBytes: 10 * 1024 * 1024,
  maxEmailLength: 254,
  maxLocalPartBytes: 64,
  maxDisplayNameLength: 256,
  maxSubjectLength: 998,
  maxTagLength: 100,
  maxMetadataKeys: 20,
  maxMetadataKeyLength: 40,
  maxMetadataValueLength: 500,
  maxHeaderNameLength: 76,
  maxHeaderValueLength: 998,
  maxFilenameLength: 255,
  maxClientReferenceLength: 255,
  maxSuppressionsPerRequest: 1000,
} as const;
