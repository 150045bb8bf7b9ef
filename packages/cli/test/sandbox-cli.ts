import { createSandbox, type Sandbox } from '@mailplatform/sandbox';
import { MailPlatform } from '@mailplatform/sdk';
import { createTestCli, type TestCli } from './helpers.js';

/** The next `count` API requests to `sandbox` answer 503 (the control API's deterministic chaos). */
export async function failNextRequests(sandbox: Sandbox, count: number): Promise<void> {
  const response = await fetch(`${sandbox.url}/sandbox/v1/chaos/next`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sandbox.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ count, phase: 'http', code: 503 }),
  });
  if (response.status !== 204) throw new Error(`chaos/next answered ${response.status}`);
}

type TestCliOptions = NonNullable<Parameters<typeof createTestCli>[0]>;

/** A test CLI whose real client (no retries) and environment point at `sandbox`'s HTTP API. */
export function createSandboxCli(
  sandbox: Sandbox,
  options: Omit<TestCliOptions, 'client'> = {},
): Promise<TestCli> {
  return createTestCli({
    ...options,
    client: (o) => new MailPlatform({ ...o, maxRetries: 0 }),
    env: { MAILPLATFORM_API_KEY: sandbox.apiKey, MAILPLATFORM_BASE_URL: sandbox.url, ...options.env },
  });
}

export interface SandboxCli {
  sandbox: Sandbox;
  key: string;
  smtp: URL;
  cli: TestCli;
  /** Removes the CLI's home, then closes the sandbox. */
  close(): Promise<void>;
}

/** A real sandbox (HTTP API and SMTP relay on port 0) and a test CLI pointed at both. */
export async function startSandboxCli(): Promise<SandboxCli> {
  const sandbox = await createSandbox({ port: 0, smtpPort: 0 });
  const smtp = new URL(sandbox.smtpUrl ?? '');
  const cli = await createSandboxCli(sandbox, { env: { MAILPLATFORM_SMTP_URL: smtp.href } });
  return {
    sandbox,
    key: sandbox.apiKey,
    smtp,
    cli,
    async close() {
      await cli.cleanup();
      await sandbox.close();
    },
  };
}
