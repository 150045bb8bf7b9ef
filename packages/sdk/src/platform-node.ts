import { normalizeNodeAttachments } from './attachments-node.js';
import { createUndiciTransport } from './http/undici-transport.js';
import type { Platform, SendMessageInput } from './platform.js';
import type { SendMessageRequest } from './schemas/index.js';

/**
 * Node's side of the runtime seam: the undici transport (undici itself is imported on the first
 * request), attachments read from `{ path }`, and the SMTP sender loaded from `./smtp` on first use.
 */
export const nodePlatform: Platform = {
  defaultTransport(options) {
    const transport = createUndiciTransport({ ca: options.ca, proxy: options.proxy });
    setTimeout(() => transport.load().catch(() => undefined), 0).unref();
    return transport;
  },

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
