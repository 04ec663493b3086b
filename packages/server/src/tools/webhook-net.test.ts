import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  hostAllowed,
  hostListedOnOtherPort,
  isPrivateHost,
  reservedRange,
  splitHostPort,
} from './webhook-net.js';

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

  it('refuses every IANA special-purpose IPv4 range, at both ends', () => {
    for (const host of [
      '198.18.0.0',
      '198.18.0.1',
      '198.19.255.255',
      '192.0.0.0',
      '192.0.0.8',
      '192.0.0.255',
      '192.0.2.1',
      '192.31.196.1',
      '192.52.193.1',
      '192.88.99.1',
      '192.175.48.1',
      '198.51.100.7',
      '203.0.113.0',
      '203.0.113.255',
      '240.0.0.1',
      '0.255.255.255',
    ]) {
      assert.equal(isPrivateHost(host), true, host);
    }
  });

  it('lets the addresses just outside the newer ranges through', () => {
    for (const host of [
      '198.17.255.255',
      '198.20.0.0',
      '192.0.1.0',
      '192.0.3.0',
      '192.31.195.255',
      '192.31.197.0',
      '192.52.192.255',
      '192.52.194.0',
      '192.88.98.255',
      '192.88.100.0',
      '192.175.47.255',
      '192.175.49.0',
      '198.51.99.255',
      '198.51.101.0',
      '203.0.112.255',
      '203.0.114.0',
      '1.0.0.0',
    ]) {
      assert.equal(isPrivateHost(host), false, host);
    }
  });

  it('sees through the odd IPv4 spellings fetch would accept', () => {
    for (const host of [
      '2130706433',
      '0x7f.0.0.1',
      '0x7f.1',
      '0177.0.0.1',
      '127.1',
      '10.0.0.1.',
      '0x7f000001',
      '017700000001',
      '3323068417',
      '0xc6120001',
      '0306.022.0.1',
      '198.0x12.1',
    ]) {
      assert.equal(isPrivateHost(host), true, host);
    }
  });

  it('names the range that refused a host', () => {
    assert.match(reservedRange('198.18.0.1')!, /^198\.18\.0\.0\/15 /);
    assert.match(reservedRange('[2001:db8::1]')!, /^2001:db8::\/32 /);
    assert.match(reservedRange('[::ffff:198.18.0.1]')!, /198\.18\.0\.0\/15/);
    assert.match(reservedRange('2002:c0a8:0101::')!, /192\.168\.0\.0\/16/);
    assert.equal(reservedRange('example.com'), undefined);
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

  it('refuses every IANA special-purpose IPv6 range', () => {
    for (const host of [
      '[2001:db8::1]',
      '2001:db8::1',
      '[2001:0DB8:0000:0000::1]',
      '[2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]',
      '[::ffff:198.18.0.1]',
      '[::ffff:c612:1]',
      '[64:ff9b::a00:1]',
      '[64:ff9b::8.8.8.8]', // NAT64 reaches whatever the translator can reach
      '[64:ff9b:1::1]',
      '2002:c0a8:0101::', // 6to4 of 192.168.1.1
      '[2002:7f00:1::]',
      '[2001::1]', // Teredo
      '[2001:2::1]', // benchmarking
      '[2001:1ff:ffff::1]', // last of 2001::/23
      '[100::1]',
      '[3fff::1]',
      '[3fff:fff::1]',
      '[5f00::1]',
      '[fec0::1]',
      '[feff::1]',
      '[2620:4f:8000::1]',
      '[::ffff:0:7f00:1]', // IPv4-translated
      '[::8.8.8.8]', // deprecated IPv4-compatible
      '[4000::1]', // outside 2000::/3: no global unicast there
      '[1fff::1]',
    ]) {
      assert.equal(isPrivateHost(host), true, host);
    }
  });

  it('refuses IPv6 with a zone id, which names a local interface', () => {
    for (const host of ['fe80::1%eth0', '[fe80::1%25eth0]', '[2606:4700::1%eth0]', '::1%lo']) {
      assert.equal(isPrivateHost(host), true, host);
    }
  });

  it('lets public IPv6 through, including the neighbours of reserved ranges', () => {
    for (const host of [
      '[2606:4700::1111]',
      '[::ffff:8.8.8.8]',
      '[2002:808:808::1]', // 6to4 of a public address
      '[2001:200::1]',
      '[2001:db7:ffff::1]',
      '[2001:db9::1]',
      '[3fff:1000::1]',
      '[2620:4f:8001::1]',
      '[2a00:1450:4001::200e]',
    ]) {
      assert.equal(isPrivateHost(host), false, host);
    }
  });

  it('refuses what is not an address or a host name', () => {
    for (const host of ['', '[::1', '[1::2::3]', '[12345::1]', '1.2.3.4.5', '256.0.0.1']) {
      assert.equal(isPrivateHost(host), true, JSON.stringify(host));
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
      'router.home.arpa',
      'metadata', // a single label goes through the resolver's search domains
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

  it('matches a bare host on the scheme default port only', () => {
    assert.equal(ok('https://api.example.com:22/'), false);
    assert.equal(ok('http://api.example.com/'), true);
    assert.equal(ok('http://api.example.com:443/'), false);
  });

  it('matches host:port exactly', () => {
    assert.equal(ok('https://hooks.example.com:8443/'), true);
    assert.equal(ok('https://hooks.example.com/'), false);
  });

  it('keeps wildcards port-aware', () => {
    assert.equal(ok('https://a.tools.example.net:8443/'), false);
    const ports = ['*.example.net:8443'];
    assert.equal(hostAllowed(new URL('https://a.example.net:8443/'), ports), true);
    assert.equal(hostAllowed(new URL('https://a.example.net/'), ports), false);
  });

  it('tells a host listed for another port from one not listed', () => {
    assert.equal(hostListedOnOtherPort(new URL('https://api.example.com:22/'), allow), true);
    assert.equal(hostListedOnOtherPort(new URL('https://hooks.example.com/'), allow), true);
    assert.equal(hostListedOnOtherPort(new URL('https://a.tools.example.net:1/'), allow), true);
    assert.equal(hostListedOnOtherPort(new URL('https://api.example.com/'), allow), false);
    assert.equal(hostListedOnOtherPort(new URL('https://evil.com:22/'), allow), false);
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
