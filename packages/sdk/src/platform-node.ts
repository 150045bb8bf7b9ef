import { normalizeNodeAttachments } from './attachments-node.js';
import { createUndiciTransport } from './http/undici-transport.js';
import type { Platform } from './platform.js';
import type { SendMessageRequest } from './schemas/index.js';

/**
 * Node's side of the runtime seam: the undici transport (undici itself is imported on the first
 * request), attachments read from `{ path }`, and the SMTP sender loaded from `./smtp` on first use.
 */
export const nodePlatform: Platform = {
  defaultTransport: (options) => createUndiciTransport({ ca: options.ca, proxy: options.proxy }),

  async prepareMessage(input) {
    if (!Array.isArray(input?.attachments)) return input as SendMessageRequest;
    return { ...input, attachments: await normalizeNodeAttachments(input.attachments) } as SendMessageRequest;
  },

  async createSmtpSender(context) {
    const { createSmtpSender } = await import('./smtp/index.js');
    return createSmtpSender(context);
  },
};
