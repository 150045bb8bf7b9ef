import { normalizeNodeAttachments } from './attachments-node.js';
import { createUndiciTransport } from './http/undici-transport.js';
import type { Platform, SendMessageInput } from './platform.js';
import type { SendMessageRequest } from './schemas/index.js';

/**
 * Node's side of the runtime seam: the undici transport (the first request goes through the global
 * `fetch` and its response starts importing undici; loading undici at construction instead made the
 * first send slower, since its 60–80 ms of module evaluation then blocks that send's response),
 * attachments read from `{ path }`, and the SMTP sender loaded from `./smtp` on first use.
 */
export const nodePlatform: Platform = {
  defaultTransport: (options) => createUndiciTransport({ ca: options.ca, proxy: options.proxy }),

  prepareMessage(input) {
    if (!Array.isArray(input?.attachments)) return input as SendMessageRequest;
    return withNodeAttachments(input);
  },

  async createSmtpSender(context) {
    const { createSmtpSender } = await import('./smtp/index.js');
    return createSmtpSender(context);
  },
};

async function withNodeAttachments(input: SendMessageInput): Promise<SendMessageRequest> {
  return {
    ...input,
    attachments: await normalizeNodeAttachments(input.attachments ?? []),
  } as SendMessageRequest;
}
