import { type AttachmentInput, normalizeAttachments } from './attachments.js';
import type { AttachmentPathInput, NodeAttachmentInput } from './attachments-node.js';
import { UnsupportedRuntimeError } from './errors.js';
import type { Transport } from './http/types.js';
import type { ResolvedOptions } from './options.js';
import type { SendMessageRequest } from './schemas/index.js';
import type { SmtpSender, SmtpSenderContext } from './smtp-sender.js';

/** What `messages.send` accepts: the API's message, with attachments as bytes, base64 or (Node) `{ path }`. */
export type SendMessageInput = Omit<SendMessageRequest, 'attachments'> & {
  attachments?: readonly NodeAttachmentInput[];
};

/**
 * The runtime seam between the two builds of the main entry. The default build (edge, workers,
 * browsers) uses `webPlatform`; the Node build (`index.node.ts`) passes `nodePlatform`.
 */
export interface Platform {
  /** The transport when the caller gives neither `transport` nor `fetch`; `undefined` means the global `fetch`. */
  defaultTransport(options: ResolvedOptions): Transport | undefined;
  /**
   * Turns every attachment into the wire shape (base64), reading `{ path }` ones where files exist.
   * Without attachments it returns the input itself, synchronously (no copy, no extra await per send).
   */
  prepareMessage(input: SendMessageInput): SendMessageRequest | Promise<SendMessageRequest>;
  /** The sender for `via: 'smtp'`. */
  createSmtpSender(context: SmtpSenderContext): Promise<SmtpSender>;
}

function isPathAttachment(input: NodeAttachmentInput): input is AttachmentPathInput {
  return 'path' in input && input.path !== undefined;
}

export const webPlatform: Platform = {
  defaultTransport: () => undefined,

  prepareMessage(input) {
    if (!Array.isArray(input?.attachments)) return input as SendMessageRequest;
    const inline = input.attachments.map((attachment, index): AttachmentInput => {
      if (isPathAttachment(attachment)) {
        throw new UnsupportedRuntimeError(
          `attachments[${index}].path: file attachments need the Node build; pass the bytes as content instead`,
          { code: 'unsupported_runtime' },
        );
      }
      return attachment;
    });
    return Promise.resolve({ ...input, attachments: normalizeAttachments(inline) } as SendMessageRequest);
  },

  async createSmtpSender() {
    throw new UnsupportedRuntimeError(
      "via: 'smtp' needs Node (the SMTP relay is reached over TCP); this runtime can only use the HTTP API",
      { code: 'unsupported_runtime' },
    );
  },
};
