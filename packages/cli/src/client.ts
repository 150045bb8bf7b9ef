import type { ClientOptions, MailPlatform } from '@mailplatform/sdk';

/** The SDK client; imported as a type only, so loading a command module never loads the SDK. */
export type CliClient = MailPlatform;

export type CliClientOptions = Pick<
  ClientOptions,
  'baseUrl' | 'timeout' | 'maxRetries' | 'fetch' | 'logger' | 'smtp'
> & {
  apiKey: string;
};
