import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitIpv4, whyIpv4Unusable } from '../../../src/network/link/judge-ipv4.js';

describe('whyIpv4Unusable', () => {
  const cases: [string, boolean, string | undefined][] = [
    ['192.168.1.20', false, undefined],
    ['10.0.0.1', false, undefined],
    ['100.64.0.1', false, undefined],
    [
      '169.254.12.34',
      false,
      'link-local (169.254.0.0/16, what a connection manager assigns when DHCP fails; network.allow_link_local allows it)',
    ],
    ['169.254.12.34', true, undefined],
    ['169.253.0.1', false, undefined],
    ['169.255.0.1', false, undefined],
    ['0.0.0.0', false, 'unspecified (0.0.0.0/8)'],
    ['0.1.2.3', true, 'unspecified (0.0.0.0/8)'],
    ['127.0.0.1', false, 'loopback (127.0.0.0/8)'],
    ['224.0.0.251', false, 'multicast (224.0.0.0/4)'],
    ['239.255.255.250', false, 'multicast (224.0.0.0/4)'],
    ['240.0.0.1', false, 'reserved (240.0.0.0/4)'],
    ['255.255.255.255', false, 'reserved (240.0.0.0/4)'],
    ['256.1.1.1', false, 'not an IPv4 address'],
    ['fe80::1', false, 'not an IPv4 address'],
    ['1.2.3', false, 'not an IPv4 address'],
    ['', false, 'not an IPv4 address'],
  ];
  for (const [address, allowLinkLocal, expected] of cases) {
    it(`${address || '(empty)'}${allowLinkLocal ? ', link-local allowed' : ''} → ${expected ?? 'usable'}`, () => {
      assert.equal(whyIpv4Unusable(address, { allowLinkLocal }), expected);
    });
  }
});

describe('splitIpv4', () => {
  it('keeps the order and tells why of each address left out', () => {
    assert.deepEqual(splitIpv4(['169.254.1.1', '192.0.2.10', '0.0.0.0'], { allowLinkLocal: false }), {
      usable: ['192.0.2.10'],
      unusable: [
        {
          address: '169.254.1.1',
          why: 'link-local (169.254.0.0/16, what a connection manager assigns when DHCP fails; network.allow_link_local allows it)',
        },
        { address: '0.0.0.0', why: 'unspecified (0.0.0.0/8)' },
      ],
    });
  });
});
