import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RawNetworkConfig } from '../../../src/network/config/network-types.js';
import { normalizeNetwork } from '../../../src/network/config/normalize-network.js';
import { checkLink } from '../../../src/network/link/check-link.js';
import { FAKE_MAC, fakeNetworkSystem, type FakeNetworkSystemOptions } from '../../helpers/fake-network-system.js';

const network = (raw: Partial<RawNetworkConfig> = {}) =>
  normalizeNetwork({ interface: 'eth0', ...raw }, '/etc/watchdog');

/** The uplink renamed from eth0 to end0 by an update, with a Wi-Fi interface beside it. */
const renamed: FakeNetworkSystemOptions = {
  interfaceName: 'end0',
  otherInterfaces: [{ name: 'wlan0', mac: '02:00:5e:00:53:99', stacked: false }],
};

describe('checkLink', () => {
  it('named by MAC and renamed: reads the interface that has the MAC, says so, and gives it as the device', async () => {
    const fake = fakeNetworkSystem(renamed);
    const verdict = await checkLink(network({ interface_mac: FAKE_MAC.toUpperCase() }), true, fake);
    assert.equal(verdict.state, 'up');
    assert.equal(verdict.device, 'end0');
    assert.equal(
      verdict.reason,
      `end0 up, 192.0.2.10; found by its MAC ${FAKE_MAC} as end0 (network.interface says eth0: renamed?)`,
    );
    assert.deepEqual(fake.callNames(), ['readLink end0']);
  });

  it('named by MAC and no interface has it: missing, with no device to act on', async () => {
    const fake = fakeNetworkSystem({ ...renamed, link: { mac: '02:00:5e:00:53:77' } });
    const verdict = await checkLink(network({ interface_mac: FAKE_MAC }), true, fake);
    assert.equal(verdict.state, 'missing');
    assert.equal(verdict.device, undefined);
    assert.match(verdict.reason, /^the interface with MAC 02:00:5e:00:53:01 is gone/);
    assert.deepEqual(fake.callNames(), [], 'no interface read, none guessed');
  });

  it('named by interface and renamed: missing, with a hint naming the other interface and its MAC; the device stays the configured name', async () => {
    const fake = fakeNetworkSystem(renamed);
    const verdict = await checkLink(network(), true, fake);
    assert.equal(verdict.state, 'missing');
    assert.equal(verdict.device, 'eth0');
    assert.equal(
      verdict.reason,
      `interface eth0 is gone (it was there before: a driver or a USB adapter lost?); hint: end0 is the only other Ethernet interface: renamed by an update? Name it in network.interface, or set network.interface_mac to ${FAKE_MAC} (its MAC) so a rename no longer matters; it is left alone until then`,
    );
  });

  it('a link-local address only: no_ipv4, and the alive probes are not run; with allow_link_local: up, probed', async () => {
    const alive = { probes: [{ type: 'tcp' as const, host: '192.0.2.1', port: 53 }] };
    const fake = fakeNetworkSystem({
      link: { ipv4: ['169.254.8.9'] },
      probeSetResult: (set) => ({ mode: set.mode, answered: true, results: [], summary: 'answered' }),
    });
    const refused = await checkLink(network({ alive }), true, fake);
    assert.equal(refused.state, 'no_ipv4');
    assert.deepEqual(fake.probeSets, []);
    const allowed = await checkLink(network({ alive, allow_link_local: true }), true, fake);
    assert.equal(allowed.state, 'up');
    assert.deepEqual(allowed.ipv4, ['169.254.8.9']);
    assert.equal(fake.probeSets.length, 1);
  });
});

describe('checkLink: require_ipv6', () => {
  const linkLocal = { address: 'fe80::1', prefixLength: 64, flags: 0x80 };
  const global = { address: '2001:db8::10', prefixLength: 64, flags: 0x80 };

  it('reads the IPv6 addresses only when require_ipv6 asks', async () => {
    const fake = fakeNetworkSystem({ link: { ipv6: [linkLocal, global] } });
    await checkLink(network(), true, fake);
    assert.deepEqual(fake.callNames(), ['readLink eth0']);
  });

  const cases: [string, { address: string; prefixLength: number; flags: number }[], string, string][] = [
    [
      'a link-local address only',
      [linkLocal],
      'no_ipv6',
      'carrier up on eth0 but no usable IPv6 address: fe80::1 is link-local (fe80::/10: no router advertisement or DHCPv6 lease?)',
    ],
    [
      'a global address whose duplicate address detection failed',
      [linkLocal, { ...global, flags: 0x08 }],
      'no_ipv6',
      'carrier up on eth0 but no usable IPv6 address: fe80::1 is link-local (fe80::/10: no router advertisement or DHCPv6 lease?); 2001:db8::10 is dadfailed (another host on the link has it)',
    ],
    ['no IPv6 address at all', [], 'no_ipv6', 'carrier up on eth0 but no IPv6 address'],
    ['a global address', [linkLocal, global], 'up', 'eth0 up, 192.0.2.10, 2001:db8::10'],
  ];
  for (const [name, ipv6, state, reason] of cases) {
    it(`${name} → ${state}`, async () => {
      const fake = fakeNetworkSystem({ link: { ipv6 } });
      const verdict = await checkLink(network({ require_ipv6: true }), true, fake);
      assert.deepEqual([verdict.state, verdict.reason], [state, reason]);
      assert.deepEqual(fake.callNames(), ['readLink eth0', 'ipv6Of eth0']);
    });
  }
});
