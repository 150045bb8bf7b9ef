import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from './is-loopback-host.js';

describe('isLoopbackHost', () => {
  it.each([
    'localhost',
    'LocalHost',
    'localhost.',
    'app.localhost',
    'a.b.localhost',
    '127.0.0.1',
    '127.255.255.254',
    '127.1.2.3',
    '::1',
    '[::1]',
    '0:0:0:0:0:0:0:1',
    '[0000:0000:0000:0000:0000:0000:0000:0001]',
    '::ffff:127.0.0.1',
    '[::ffff:127.10.0.1]',
    '::ffff:7f00:1',
    '[::ffff:7f00:1]',
  ])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each([
    'smtp.mailplatform.dk',
    'relay.example',
    'localhost.example',
    'notlocalhost',
    'mylocalhost',
    '128.0.0.1',
    '126.255.255.255',
    '127.0.0.256',
    '127.0.0',
    '10.0.0.1',
    '0.0.0.0',
    '::',
    '[::]',
    '::2',
    '1::1',
    '::1:1',
    '::ffff:10.0.0.1',
    '::ffff:8000:1',
    '::fffe:127.0.0.1',
    '::1::',
    '[::1',
    '',
  ])('%s is not loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});
