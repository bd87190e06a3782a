import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compressIpv6, parseIfInet6, whyIpv6Unusable, type Ipv6Entry } from '../../../src/network/link/judge-ipv6.js';

describe('compressIpv6', () => {
  const cases: [string, string][] = [
    ['00000000000000000000000000000001', '::1'],
    ['00000000000000000000000000000000', '::'],
    ['fe800000000000000000000000000001', 'fe80::1'],
    ['20010db8000000000001000000000001', '2001:db8::1:0:0:1'],
    ['20010db8000100020003000400050006', '2001:db8:1:2:3:4:5:6'],
    ['20010db8000000010000000000000000', '2001:db8:0:1::'],
    ['20010db8000000010001000000000001', '2001:db8:0:1:1::1'],
  ];
  for (const [hex, expected] of cases) it(`${hex} → ${expected}`, () => assert.equal(compressIpv6(hex), expected));
});

describe('parseIfInet6', () => {
  it("keeps the named interface's lines, with prefix length and flags", () => {
    const text = [
      '00000000000000000000000000000001 01 80 10 80       lo',
      'fe80000000000000fc00fffffe000001 04 40 20 80     eth0',
      '20010db8000000000000000000000001 04 40 00 08     eth0',
      '20010db8000000000000000000000002 05 40 00 80     eth1',
      'not a line',
      '',
    ].join('\n');
    assert.deepEqual(parseIfInet6(text, 'eth0'), [
      { address: 'fe80::fc00:ffff:fe00:1', prefixLength: 64, flags: 0x80 },
      { address: '2001:db8::1', prefixLength: 64, flags: 0x08 },
    ]);
  });
});

describe('whyIpv6Unusable', () => {
  const entry = (address: string, flags = 0x80): Ipv6Entry => ({ address, prefixLength: 64, flags });
  const cases: [Ipv6Entry, string | undefined][] = [
    [entry('2001:db8::1'), undefined],
    [entry('fd00::2'), undefined],
    [entry('2001:db8::1', 0x00), undefined],
    [entry('fe80::1'), 'link-local (fe80::/10: no router advertisement or DHCPv6 lease?)'],
    [entry('febf::1'), 'link-local (fe80::/10: no router advertisement or DHCPv6 lease?)'],
    [entry('fec0::1'), undefined],
    [entry('::'), 'unspecified'],
    [entry('::1'), 'loopback'],
    [entry('ff02::1'), 'multicast'],
    [entry('2001:db8::1', 0x08), 'dadfailed (another host on the link has it)'],
    [entry('2001:db8::1', 0x48), 'dadfailed (another host on the link has it)'],
    [entry('2001:db8::1', 0x40), 'tentative (duplicate address detection has not finished)'],
    [entry('2001:db8::1', 0x20), 'deprecated (its preferred lifetime ran out)'],
  ];
  for (const [given, expected] of cases) {
    it(`${given.address} flags 0x${given.flags.toString(16)} → ${expected ?? 'usable'}`, () =>
      assert.equal(whyIpv6Unusable(given), expected));
  }
});
