import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createSandbox } from '@mailplatform/sandbox';
import { MailPlatform } from '@mailplatform/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCli, expectNoLeak, type TestCli } from './helpers.js';

let cli: TestCli;
beforeAll(async () => {
  cli = await createTestCli({
    client: (o) => new MailPlatform({ ...o, maxRetries: 0 }),
    columns: 200,
    overrides: { loadSandbox: async () => createSandbox },
  });
});
afterAll(() => cli.cleanup());

describe('dev', () => {
  it('without the sandbox installed: exit 2 with the install hint', async () => {
    const bare = await createTestCli({
      overrides: {
        loadSandbox: async () => {
          throw new Error("Cannot find package '@mailplatform/sandbox'");
        },
      },
    });
    try {
      const result = await bare.run(['dev', '--port', '0', '--smtp-port', '0', '--smtps-port', '0']);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        'error: the sandbox (@mailplatform/sandbox) is not installed\n' +
          '  hint: install it next to the CLI: npm install --save-dev @mailplatform/sandbox\n',
      );
    } finally {
      await bare.cleanup();
    }
  });

  it('--demo --exit seeds, sends over API and SMTP, prints stats and bounces, keeps the key off screen', async () => {
    const dataDir = join(cli.home, 'demo');
    const result = await cli.run([
      '-o',
      'table',
      'dev',
      '--demo',
      '--exit',
      '--port',
      '0',
      '--smtp-port',
      '0',
      '--smtps-port',
      'off',
      '--data-dir',
      dataDir,
    ]);
    const credentials = JSON.parse(await readFile(join(cli.configDir, 'credentials.json'), 'utf8'));
    const key = credentials.profiles.sandbox.apiKey as string;
    expect(key).toMatch(/^mp_test_/);
    expect((await stat(join(cli.configDir, 'credentials.json'))).mode & 0o777).toBe(0o600);
    expect((await readFile(join(dataDir, 'cli-api-key'), 'utf8')).trim()).toBe(key);
    expectNoLeak(result.stdout + result.stderr, key);
    expect(result.stdout).toContain(`API key        mp_test_…${key.slice(-4)}`);
    expect(result.stdout).toMatch(/^SMTP port\s+\d+$/m);
    expect(result.stdout).toMatch(/click\s+smtp\s+click\+ordre10422@sim\.mailplatform\.test/);
    expect(result.stdout).toMatch(/hard-bounce\s+api\s+hard-bounce\+ordre10426@sim\.mailplatform\.test/);
    expect(result.stdout).toMatch(/^order-confirmation\s+12\s+/m);
    expect(result.stdout).toMatch(/soft-bounce\+ordre10425\S*\s+soft\s+mailbox_full/);
    expect(result.stdout).toContain(`browse the result: npx mailplatform dev --data-dir ${dataDir}`);
    expect(result.code).toBe(0);
    const config = JSON.parse(await readFile(join(cli.configDir, 'config.json'), 'utf8'));
    expect(config.profiles.sandbox).toMatchObject({
      mode: 'test',
      baseUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
    });
  });

  it('--exit without --demo is a usage error', async () => {
    const result = await cli.run(['dev', '--exit']);
    expect(result).toMatchObject({ code: 2, stderr: 'error: --exit needs --demo\n' });
  });
});
