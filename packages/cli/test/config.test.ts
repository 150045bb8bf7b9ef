import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliClient } from '../src/client.js';
import { createTestCli, expectNoLeak, type TestCli } from './helpers.js';

const KEY = 'mp_test_Zk3q9XvB7wLr2mN8pQ4sT6yU1a2b';
const LIVE_KEY = 'mp_live_Hh5g7Jk9Lm2Nn4Pp6Qq8Rr0Ss9f2c';

function fakeClient(apiKey: string): CliClient {
  const account = { id: 'acc_1', name: 'Shop', mode: apiKey.startsWith('mp_live_') ? 'live' : 'test' };
  return {
    account: {
      async get() {
        if (apiKey.endsWith('bad0')) {
          const error = Object.assign(new Error('invalid key'), { status: 401, code: 'unauthenticated' });
          Object.defineProperty(error, Symbol.for('mailplatform.error'), { value: true });
          throw error;
        }
        return account;
      },
    },
  } as unknown as CliClient;
}

let cli: TestCli;
let umask: number;
beforeEach(async () => {
  cli = await createTestCli({ client: (o) => fakeClient(o.apiKey) });
  umask = process.umask();
});
afterEach(async () => {
  process.umask(umask);
  await cli.cleanup();
});

const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('login', () => {
  for (const mask of [0o000, 0o022]) {
    it(`writes credentials 0600 in a 0700 directory under umask ${mask.toString(8).padStart(3, '0')}`, async () => {
      process.umask(mask);
      const result = await cli.run(['login', '--with-token'], { stdin: `${KEY}\n` });
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toBe(
        'Logged in: profile "default" now uses mp_test_…2a2b (test mode)\n'.replace('2a2b', KEY.slice(-4)),
      );
      expect(await mode(cli.configDir)).toBe(0o700);
      expect(await mode(join(cli.configDir, 'credentials.json'))).toBe(0o600);
      expect(await mode(join(cli.configDir, 'config.json'))).toBe(0o600);
      const creds = JSON.parse(await readFile(join(cli.configDir, 'credentials.json'), 'utf8'));
      expect(creds).toEqual({ profiles: { default: { apiKey: KEY } } });
      const config = JSON.parse(await readFile(join(cli.configDir, 'config.json'), 'utf8'));
      expect(config).toEqual({ activeProfile: 'default', profiles: { default: { mode: 'test' } } });
      expectNoLeak(result.stdout + result.stderr, KEY);
    });
  }

  it('refuses a non-key with exit 2 and without echoing it', async () => {
    const result = await cli.run(['login', '--with-token', '--json'], { stdin: 'hunter2-secret-value\n' });
    expect(result.code).toBe(2);
    const body = JSON.parse(result.stderr);
    expect(body.error).toMatchObject({ code: 'usage_error', hint: 'keys start with mp_live_ or mp_test_' });
    expect(result.stderr).not.toContain('hunter2-secret-value');
  });

  it('without a TTY and without --with-token is a usage error', async () => {
    const result = await cli.run(['login']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: no key given and no terminal to ask on');
  });

  it('a key the platform rejects exits 4 and stores nothing', async () => {
    const bad = 'mp_test_AAAAAAAAAAAAAAAAbad0';
    const result = await cli.run(['login', '--with-token'], { stdin: bad });
    expect(result.code).toBe(4);
    await expect(stat(join(cli.configDir, 'credentials.json'))).rejects.toThrow(/ENOENT/);
    expectNoLeak(result.stderr, bad);
  });

  it('stores per profile with the base URL given as a flag, and logout removes it', async () => {
    await cli.run(['login', '--with-token', '-p', 'staging', '--base-url', 'http://127.0.0.1:4400'], {
      stdin: KEY,
    });
    const config = JSON.parse(await readFile(join(cli.configDir, 'config.json'), 'utf8'));
    expect(config.profiles.staging).toEqual({ mode: 'test', baseUrl: 'http://127.0.0.1:4400' });
    const list = await cli.run(['config', 'profiles', 'list', '--json']);
    expect(JSON.parse(list.stdout)).toEqual([
      { name: 'staging', active: true, mode: 'test', baseUrl: 'http://127.0.0.1:4400', hasKey: true },
    ]);
    const out = await cli.run(['logout', '-p', 'staging', '--json']);
    expect(JSON.parse(out.stdout)).toEqual({ removed: ['staging'] });
    const creds = JSON.parse(await readFile(join(cli.configDir, 'credentials.json'), 'utf8'));
    expect(creds.profiles).toEqual({});
  });
});

describe('credentials file permissions', () => {
  it('warns about a 0644 credentials file and still proceeds', async () => {
    await mkdir(cli.configDir, { recursive: true });
    const path = join(cli.configDir, 'credentials.json');
    await writeFile(path, JSON.stringify({ profiles: { default: { apiKey: KEY } } }));
    await chmod(path, 0o644);
    const result = await cli.run(['whoami', '--json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      `UNPROTECTED CREDENTIALS FILE: permissions 0644 for '${path}' are too open`,
    );
    expect(JSON.parse(result.stdout)).toMatchObject({
      key: `mp_test_…${KEY.slice(-4)}`,
      keySource: `profile "default" (${path})`,
    });
    expectNoLeak(result.stdout + result.stderr, KEY);
  });
});

describe('whoami and key precedence', () => {
  it('flag > env > profile, and the source is named', async () => {
    await cli.run(['login', '--with-token'], { stdin: KEY });
    const envKey = 'mp_test_EnvEnvEnvEnvEnvEnv9999';
    const fromEnv = await cli.run(['whoami', '--json'], { env: { MAILPLATFORM_API_KEY: envKey } });
    expect(JSON.parse(fromEnv.stdout)).toMatchObject({
      key: 'mp_test_…9999',
      keySource: 'MAILPLATFORM_API_KEY',
    });
    const fromFlag = await cli.run(['whoami', '--json', '--api-key', LIVE_KEY], {
      env: { MAILPLATFORM_API_KEY: envKey },
    });
    expect(JSON.parse(fromFlag.stdout)).toMatchObject({
      key: 'mp_live_…9f2c',
      keySource: '--api-key flag',
      mode: 'live',
    });
    expect(fromFlag.stderr).toContain('warning: --api-key is visible to other users in `ps`');
    expectNoLeak(fromFlag.stdout + fromFlag.stderr, LIVE_KEY);
  });

  it('--live with a test key exits 4', async () => {
    const result = await cli.run(['whoami', '--live'], { env: { MAILPLATFORM_API_KEY: KEY } });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('error: --live given, but the key (MAILPLATFORM_API_KEY) is a test key');
    expectNoLeak(result.stderr, KEY);
  });

  it('no key exits 4 with a hint', async () => {
    const result = await cli.run(['whoami', '-o', 'json']);
    expect(result.code).toBe(4);
    expect(JSON.parse(result.stderr)).toEqual({
      error: {
        code: 'missing_api_key',
        message: 'no API key for profile "default"',
        status: null,
        requestId: null,
        idempotencyKey: null,
        retryable: false,
        hint: 'run `mailplatform login`, or set MAILPLATFORM_API_KEY',
      },
    });
  });

  it('prints the account as key/value lines in plain mode', async () => {
    const result = await cli.run(['whoami'], { env: { MAILPLATFORM_API_KEY: KEY } });
    expect(result.stdout.split('\n')).toContain(`key\tmp_test_…${KEY.slice(-4)}`);
    expect(result.stdout.split('\n')).toContain('keySource\tMAILPLATFORM_API_KEY');
  });
});

describe('config get/set/unset/list/path', () => {
  it('round-trips a setting and refuses unknown keys and the API key', async () => {
    expect((await cli.run(['config', 'set', 'defaultFrom', 'Shop <ordre@shop.dk>'])).code).toBe(0);
    expect((await cli.run(['config', 'get', 'defaultFrom'])).stdout).toBe('Shop <ordre@shop.dk>\n');
    expect(JSON.parse((await cli.run(['config', 'get', 'defaultFrom', '--json'])).stdout)).toEqual({
      key: 'defaultFrom',
      value: 'Shop <ordre@shop.dk>',
      profile: 'default',
    });
    expect((await cli.run(['config', 'unset', 'defaultFrom'])).code).toBe(0);
    expect((await cli.run(['config', 'get', 'defaultFrom'])).stdout).toBe('\n');
    const unknown = await cli.run(['config', 'set', 'colour', 'red']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('error: unknown setting "colour"');
    const key = await cli.run(['config', 'set', 'apiKey', KEY]);
    expect(key.code).toBe(2);
    expect(key.stderr).toContain('the API key is not a config setting');
    expectNoLeak(key.stderr, KEY);
    const badMode = await cli.run(['config', 'set', 'output', 'yaml']);
    expect(badMode.stderr).toContain('error: output must be one of table, plain, json, jsonl, csv');
  });

  it('list shows values with their source, env beating the profile', async () => {
    await cli.run(['config', 'set', 'baseUrl', 'http://127.0.0.1:1']);
    const result = await cli.run(['config', 'list', '--csv'], {
      env: { MAILPLATFORM_BASE_URL: 'http://127.0.0.1:2' },
    });
    expect(result.stdout).toBe(
      'key,value,source\r\nprofile,default,default\r\napiKey,,none\r\nbaseUrl,http://127.0.0.1:2,MAILPLATFORM_BASE_URL\r\n',
    );
  });

  it('path honours MAILPLATFORM_CONFIG_DIR over XDG_CONFIG_HOME', async () => {
    const result = await cli.run(['config', 'path'], { env: { MAILPLATFORM_CONFIG_DIR: '/tmp/x/mp' } });
    expect(result.stdout).toBe('/tmp/x/mp/config.json\n');
    const xdg = await cli.run(['config', 'path']);
    expect(xdg.stdout).toBe(`${join(cli.home, 'config', 'mailplatform', 'config.json')}\n`);
  });

  it('profiles use switches the active profile and rejects unknown ones', async () => {
    await cli.run(['login', '--with-token', '-p', 'a'], { stdin: KEY });
    await cli.run(['login', '--with-token', '-p', 'b'], { stdin: LIVE_KEY });
    expect((await cli.run(['config', 'profiles', 'use', 'b'])).stdout).toBe('Active profile: b\n');
    expect(JSON.parse((await cli.run(['whoami', '--json'])).stdout)).toMatchObject({
      profile: 'b',
      mode: 'live',
    });
    const missing = await cli.run(['config', 'profiles', 'use', 'zz']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('error: no profile "zz"\n  hint: profiles: a, b');
  });
});

describe('project file', () => {
  it('refuses a .mailplatformrc that holds a key (exit 2)', async () => {
    await writeFile(
      join(cli.home, '.mailplatformrc'),
      JSON.stringify({ apiKey: KEY, defaultFrom: 'a@b.dk' }),
    );
    const result = await cli.run(['config', 'list']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `error: refusing ${join(cli.home, '.mailplatformrc')}: it contains a secret ("apiKey")`,
    );
    expect(result.stderr).toContain('committed to git');
    expectNoLeak(result.stderr, KEY);
  });

  it('uses the non-secret settings of a .mailplatformrc', async () => {
    await writeFile(join(cli.home, '.mailplatformrc'), JSON.stringify({ defaultFrom: 'a@b.dk' }));
    const result = await cli.run(['config', 'list', '--json']);
    expect(JSON.parse(result.stdout)).toContainEqual({
      key: 'defaultFrom',
      value: 'a@b.dk',
      source: join(cli.home, '.mailplatformrc'),
    });
  });
});
