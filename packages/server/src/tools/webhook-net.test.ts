import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hostAllowed, isPrivateHost, splitHostPort } from './webhook-net.js';

describe('isPrivateHost', () => {
  it('refuses private, loopback, link-local, CGNAT and multicast IPv4', () => {
    for (const host of [
      '0.0.0.0',
      '10.1.2.3',
      '127.0.0.1',
      '127.255.255.254',
      '169.254.169.254',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '100.64.0.1',
      '100.127.255.255',
      '224.0.0.1',
      '255.255.255.255',
    ]) {
      assert.equal(isPrivateHost(host), true, host);
    }
  });

  it('lets public IPv4 through, including the neighbours of private ranges', () => {
    for (const host of [
      '8.8.8.8',
      '172.15.255.255',
      '172.32.0.1',
      '100.63.0.1',
      '100.128.0.1',
      '192.169.0.1',
      '223.255.255.255',
    ]) {
      assert.equal(isPrivateHost(host), false, host);
    }
  });

  it('sees through the odd IPv4 spellings fetch would accept', () => {
    for (const host of ['2130706433', '0x7f.0.0.1', '0177.0.0.1', '127.1', '10.0.0.1.']) {
      assert.equal(isPrivateHost(host), true, host);
    }
  });

  it('refuses private IPv6, bracketed or not, and mapped private IPv4', () => {
    for (const host of [
      '[::1]',
      '::1',
      '::',
      '[fc00::1]',
      '[fd12:3456::1]',
      '[fe80::1]',
      '[febf::1]',
      '[ff02::1]',
      '[::ffff:127.0.0.1]',
      '[::ffff:7f00:1]',
      '[::ffff:10.0.0.1]',
      '[64:ff9b::192.168.0.1]',
      '[0:0:0:0:0:0:0:1]',
    ]) {
      assert.equal(isPrivateHost(host), true, host);
    }
  });

  it('lets public IPv6 through', () => {
    for (const host of ['[2606:4700::1111]', '[::ffff:8.8.8.8]', '[fec0::1]', '2001:db8::1']) {
      assert.equal(isPrivateHost(host), false, host);
    }
  });

  it('refuses local names and lets others through', () => {
    for (const host of [
      'localhost',
      'LOCALHOST',
      'api.localhost',
      'printer.local',
      'metadata.google.internal',
      'localhost.',
    ]) {
      assert.equal(isPrivateHost(host), true, host);
    }
    for (const host of ['example.com', 'localhost.example.com', 'internal.example.com']) {
      assert.equal(isPrivateHost(host), false, host);
    }
  });
});

describe('hostAllowed', () => {
  const allow = ['api.example.com', 'hooks.example.com:8443', '*.tools.example.net', '[::1]:9000'];
  const ok = (url: string) => hostAllowed(new URL(url), allow);

  it('matches a bare host on the default port only', () => {
    assert.equal(ok('https://api.example.com/x'), true);
    assert.equal(ok('https://API.Example.com:443/x'), true);
    assert.equal(ok('https://api.example.com:8443/x'), false);
    assert.equal(ok('https://evil-api.example.com/x'), false);
    assert.equal(ok('https://api.example.com.evil.com/x'), false);
  });

  it('matches host:port exactly', () => {
    assert.equal(ok('https://hooks.example.com:8443/'), true);
    assert.equal(ok('https://hooks.example.com/'), false);
  });

  it('matches a wildcard on subdomains but not the apex', () => {
    assert.equal(ok('https://a.tools.example.net/'), true);
    assert.equal(ok('https://a.b.tools.example.net/'), true);
    assert.equal(ok('https://tools.example.net/'), false);
    assert.equal(ok('https://eviltools.example.net/'), false);
  });

  it('matches bracketed IPv6', () => {
    assert.equal(ok('http://[::1]:9000/'), true);
    assert.equal(ok('http://[0::1]:9000/'), true);
    assert.equal(ok('http://[::1]:9001/'), false);
  });

  it('allows nothing with an empty list', () => {
    assert.equal(hostAllowed(new URL('https://api.example.com/'), []), false);
  });
});

describe('splitHostPort', () => {
  it('canonicalises entries and rejects malformed ones', () => {
    assert.deepEqual(splitHostPort('api.example.com'), {
      host: 'api.example.com',
      port: undefined,
    });
    assert.deepEqual(splitHostPort('api.example.com:0443'), {
      host: 'api.example.com',
      port: '443',
    });
    assert.deepEqual(splitHostPort('*.example.com'), { host: '*.example.com', port: undefined });
    for (const bad of [
      '',
      'a b',
      'http://x',
      'x:99999',
      'x:',
      '*.com',
      '*.1.2.3',
      'a.*.com',
      '[::1',
      'u@h',
    ]) {
      assert.equal(splitHostPort(bad), undefined, bad);
    }
  });
});
