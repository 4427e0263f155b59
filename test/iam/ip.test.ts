// Unit tests for IP address and CIDR parsing (src/iam/ip.ts).
// Spec: reference/iam-evaluation.md §5.3 (IpAddress / NotIpAddress: IPv4/IPv6
// CIDR; a bare IP means /32).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { cidrContains, parseCidr, parseIp, type Cidr } from '../../src/iam/ip.js';

function v4(text: string): number {
  const ip = parseIp(text);
  assert.ok(ip, `${text} should parse`);
  assert.equal(ip.v6, false, `${text} is IPv4`);
  return ip.value as number;
}

function v6(text: string): bigint {
  const ip = parseIp(text);
  assert.ok(ip, `${text} should parse`);
  assert.equal(ip.v6, true, `${text} is IPv6`);
  return ip.value as bigint;
}

function cidr(text: string): Cidr {
  const c = parseCidr(text);
  assert.ok(c, `${text} should parse as a CIDR`);
  return c;
}

function inRange(range: string, ip: string): boolean {
  const addr = parseIp(ip);
  assert.ok(addr, `${ip} should parse`);
  return cidrContains(cidr(range), addr);
}

describe('parseIp: IPv4', () => {
  test('values', () => {
    assert.equal(v4('0.0.0.0'), 0);
    assert.equal(v4('0.0.0.1'), 1);
    assert.equal(v4('1.2.3.4'), 0x01020304);
    assert.equal(v4('10.0.0.1'), 0x0a000001);
    assert.equal(v4('192.168.1.255'), 0xc0a801ff);
    assert.equal(v4('255.255.255.255'), 0xffffffff);
  });

  test('invalid IPv4', () => {
    for (const bad of [
      '',
      '1.2.3',
      '1.2.3.4.5',
      '256.0.0.1',
      '1.2.3.256',
      '1.2.3.999',
      '1.2.3.-1',
      '1..3.4',
      '1.2.3.4 ',
      ' 1.2.3.4',
      'a.b.c.d',
      '1.2.3.4/32',
      '1234.1.1.1',
      '0x1.2.3.4',
      '1.2.3.',
      '.1.2.3',
    ]) {
      assert.equal(parseIp(bad), null, `${JSON.stringify(bad)} should not parse`);
    }
  });
});

describe('parseIp: IPv6', () => {
  test('full form', () => {
    assert.equal(v6('2001:0db8:0000:0000:0000:0000:0000:0001'), 0x20010db8000000000000000000000001n);
    assert.equal(v6('2001:db8:0:0:0:0:0:1'), 0x20010db8000000000000000000000001n);
    assert.equal(v6('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'), (1n << 128n) - 1n);
  });

  test(':: forms', () => {
    assert.equal(v6('::'), 0n);
    assert.equal(v6('::1'), 1n);
    assert.equal(v6('1::'), 1n << 112n);
    assert.equal(v6('2001:db8::1'), 0x20010db8000000000000000000000001n);
    assert.equal(v6('2001:db8::'), 0x20010db8000000000000000000000000n);
    assert.equal(v6('fe80::1:2'), 0xfe800000000000000000000000010002n);
    assert.equal(v6('1:2:3:4:5:6:7::'), 0x00010002000300040005000600070000n);
    assert.equal(v6('::2:3:4:5:6:7:8'), 0x00000002000300040005000600070008n);
  });

  test('case-insensitive hex', () => {
    assert.equal(v6('2001:DB8::ABCD'), v6('2001:db8::abcd'));
  });

  test('same address, different spellings', () => {
    assert.equal(v6('2001:db8:0:0:1:0:0:1'), v6('2001:db8::1:0:0:1'));
    assert.equal(v6('0:0:0:0:0:0:0:1'), v6('::1'));
  });

  test('embedded IPv4', () => {
    assert.equal(v6('::ffff:1.2.3.4'), 0x00000000000000000000ffff01020304n);
    assert.equal(v6('::ffff:192.168.0.1'), 0xffffc0a80001n);
    assert.equal(v6('::1.2.3.4'), 0x01020304n);
    assert.equal(v6('64:ff9b::203.0.113.5'), 0x0064ff9b0000000000000000cb007105n);
    assert.equal(v6('0:0:0:0:0:ffff:1.2.3.4'), 0xffff01020304n);
    assert.equal(v6('1:2:3:4:5:6:1.2.3.4'), 0x00010002000300040005000601020304n);
  });

  test('an IPv4-mapped IPv6 address is IPv6, not IPv4', () => {
    const ip = parseIp('::ffff:1.2.3.4');
    assert.equal(ip?.v6, true);
  });

  test('invalid IPv6', () => {
    for (const bad of [
      ':',
      ':::',
      '1:::2',
      '1::2::3',
      '1:2:3:4:5:6:7',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7:8::',
      '::1:2:3:4:5:6:7:8',
      '12345::1',
      'g::1',
      '2001:db8::1 ',
      ':1:2:3:4:5:6:7',
      '1:2:3:4:5:6:7:',
      '1::2:',
      '::ffff:1.2.3.256',
      '::ffff:1.2.3',
      '1.2.3.4::',
      '::1.2.3.4:1',
      '1:2:3:4:5:6:7:1.2.3.4',
      '2001:db8::1/64',
      'fe80::1%eth0',
    ]) {
      assert.equal(parseIp(bad), null, `${JSON.stringify(bad)} should not parse`);
    }
  });
});

describe('parseCidr', () => {
  test('bare IPv4 address is /32', () => {
    assert.deepEqual(parseCidr('1.2.3.4'), { v6: false, value: 0x01020304, prefix: 32 });
  });

  test('bare IPv6 address is /128', () => {
    assert.deepEqual(parseCidr('::1'), { v6: true, value: 1n, prefix: 128 });
  });

  test('IPv4 prefixes', () => {
    assert.equal(cidr('10.0.0.0/8').prefix, 8);
    assert.equal(cidr('0.0.0.0/0').prefix, 0);
    assert.equal(cidr('1.2.3.4/32').prefix, 32);
    assert.equal(cidr('1.2.3.4/31').prefix, 31);
  });

  test('IPv6 prefixes', () => {
    assert.equal(cidr('2001:db8::/32').prefix, 32);
    assert.equal(cidr('::/0').prefix, 0);
    assert.equal(cidr('::1/128').prefix, 128);
    assert.equal(cidr('2001:db8::/127').prefix, 127);
  });

  test('invalid CIDRs', () => {
    for (const bad of [
      '',
      '/8',
      '10.0.0.0/',
      '10.0.0.0/33',
      '10.0.0.0/-1',
      '10.0.0.0/8/8',
      '10.0.0.0/a',
      '10.0.0.0/ 8',
      '10.0.0.0/1000',
      '2001:db8::/129',
      '2001:db8::/',
      '300.0.0.0/8',
      'nope/8',
      'not an ip',
    ]) {
      assert.equal(parseCidr(bad), null, `${JSON.stringify(bad)} should not parse`);
    }
  });
});

describe('cidrContains: IPv4', () => {
  test('/8, /16, /24', () => {
    assert.equal(inRange('10.0.0.0/8', '10.255.255.255'), true);
    assert.equal(inRange('10.0.0.0/8', '10.0.0.0'), true);
    assert.equal(inRange('10.0.0.0/8', '11.0.0.0'), false);
    assert.equal(inRange('10.0.0.0/8', '9.255.255.255'), false);
    assert.equal(inRange('172.16.0.0/12', '172.31.255.255'), true);
    assert.equal(inRange('172.16.0.0/12', '172.32.0.0'), false);
    assert.equal(inRange('203.0.113.0/24', '203.0.113.77'), true);
    assert.equal(inRange('203.0.113.0/24', '203.0.114.1'), false);
  });

  test('/32 and a bare address match only that address', () => {
    assert.equal(inRange('1.2.3.4/32', '1.2.3.4'), true);
    assert.equal(inRange('1.2.3.4/32', '1.2.3.5'), false);
    assert.equal(inRange('1.2.3.4', '1.2.3.4'), true);
    assert.equal(inRange('1.2.3.4', '1.2.3.5'), false);
    assert.equal(inRange('255.255.255.255/32', '255.255.255.255'), true);
    assert.equal(inRange('255.255.255.255/32', '255.255.255.254'), false);
    assert.equal(inRange('0.0.0.0/32', '0.0.0.0'), true);
    assert.equal(inRange('0.0.0.0/32', '128.0.0.0'), false);
  });

  test('/0 matches every IPv4 address', () => {
    for (const ip of ['0.0.0.0', '1.2.3.4', '128.0.0.1', '255.255.255.255']) {
      assert.equal(inRange('0.0.0.0/0', ip), true, ip);
    }
  });

  test('/1 and /31 around the sign bit', () => {
    assert.equal(inRange('128.0.0.0/1', '255.0.0.1'), true);
    assert.equal(inRange('128.0.0.0/1', '127.255.255.255'), false);
    assert.equal(inRange('0.0.0.0/1', '127.255.255.255'), true);
    assert.equal(inRange('0.0.0.0/1', '128.0.0.0'), false);
    assert.equal(inRange('192.168.0.0/31', '192.168.0.1'), true);
    assert.equal(inRange('192.168.0.0/31', '192.168.0.2'), false);
  });

  test('host bits in the range are ignored', () => {
    assert.equal(inRange('10.1.2.3/8', '10.200.0.1'), true);
    assert.equal(inRange('10.1.2.3/8', '11.1.2.3'), false);
  });

  test('an IPv4 range never contains an IPv6 address', () => {
    assert.equal(inRange('0.0.0.0/0', '::1'), false);
    assert.equal(inRange('0.0.0.0/0', '2001:db8::1'), false);
  });
});

describe('cidrContains: IPv6', () => {
  test('/32, /64', () => {
    assert.equal(inRange('2001:db8::/32', '2001:db8::1'), true);
    assert.equal(inRange('2001:db8::/32', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff'), true);
    assert.equal(inRange('2001:db8::/32', '2001:db9::1'), false);
    assert.equal(inRange('2001:db8:1:2::/64', '2001:db8:1:2:abcd::1'), true);
    assert.equal(inRange('2001:db8:1:2::/64', '2001:db8:1:3::1'), false);
  });

  test('/128 and a bare address match only that address', () => {
    assert.equal(inRange('2001:db8::1/128', '2001:db8::1'), true);
    assert.equal(inRange('2001:db8::1/128', '2001:db8::2'), false);
    assert.equal(inRange('2001:db8::1', '2001:db8:0:0:0:0:0:1'), true);
    assert.equal(inRange('2001:db8::1', '2001:db8::2'), false);
    assert.equal(inRange('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'), true);
  });

  test('/0 matches every IPv6 address', () => {
    for (const ip of ['::', '::1', '2001:db8::1', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '::ffff:1.2.3.4']) {
      assert.equal(inRange('::/0', ip), true, ip);
    }
  });

  test('/1 around the top bit', () => {
    assert.equal(inRange('8000::/1', 'ffff::'), true);
    assert.equal(inRange('8000::/1', '7fff::'), false);
  });

  test('embedded IPv4 in range and address', () => {
    assert.equal(inRange('::ffff:0:0/96', '::ffff:10.1.2.3'), true);
    assert.equal(inRange('::ffff:10.0.0.0/104', '::ffff:10.1.2.3'), true);
    assert.equal(inRange('::ffff:10.0.0.0/104', '::ffff:11.1.2.3'), false);
  });

  test('an IPv6 range never contains an IPv4 address', () => {
    assert.equal(inRange('::/0', '1.2.3.4'), false);
  });
});
