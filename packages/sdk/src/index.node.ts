// The Node build of `@mailplatform/sdk` (export condition `node`): the same API as the default build,
// with the undici transport (loaded on the first request), file-path attachments and `via: 'smtp'`.
import { MailPlatform as WebMailPlatform } from './client.js';
import type { ClientOptions } from './options.js';
import { nodePlatform } from './platform-node.js';

// Every name of the default build; `MailPlatform` below takes precedence over the re-exported one.
export * from './index.js';

export class MailPlatform extends WebMailPlatform {
  constructor(options: ClientOptions = {}) {
    super(options, nodePlatform);
  }
}
