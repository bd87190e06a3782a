import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InterfaceEntry } from '../../../src/network/link/list-interfaces.js';
import { locateInterface, renameHint, type InterfaceLocation } from '../../../src/network/link/locate-interface.js';

const MAC = '02:00:5e:00:53:01';
const OTHER_MAC = '02:00:5e:00:53:02';

const entry = (name: string, mac: string | undefined, stacked = false): InterfaceEntry => ({ name, mac, stacked });

describe('locateInterface', () => {
  it('named by interface: that name, without listing anything', () => {
    let listed = 0;
    const location = locateInterface({ interface: 'eth0', interface_mac: undefined }, () => {
      listed += 1;
      return [];
    });
    assert.deepEqual(location, { kind: 'found', device: 'eth0' });
    assert.equal(listed, 0);
  });

  const cases: [string, InterfaceEntry[], InterfaceLocation][] = [
    [
      'the MAC under the configured name',
      [entry('lo', '00:00:00:00:00:00'), entry('eth0', MAC)],
      { kind: 'found', device: 'eth0' },
    ],
    [
      'the MAC under a new name (eth0 → end0)',
      [entry('lo', '00:00:00:00:00:00'), entry('end0', MAC), entry('eth1', OTHER_MAC)],
      {
        kind: 'found',
        device: 'end0',
        note: `found by its MAC ${MAC} as end0 (network.interface says eth0: renamed?)`,
      },
    ],
    [
      'a VLAN stacked on the renamed uplink shares its MAC: the uplink itself',
      [entry('end0', MAC), entry('end0.100', MAC, true)],
      {
        kind: 'found',
        device: 'end0',
        note: `found by its MAC ${MAC} as end0 (network.interface says eth0: renamed?)`,
      },
    ],
    [
      'the configured name wins among several with the MAC',
      [entry('br0', MAC), entry('eth0', MAC)],
      { kind: 'found', device: 'eth0' },
    ],
    [
      'no interface has the MAC',
      [entry('eth0', OTHER_MAC)],
      { kind: 'missing', subject: `the interface with MAC ${MAC}`, setting: 'network.interface_mac' },
    ],
    [
      'no interfaces at all',
      [],
      { kind: 'missing', subject: `the interface with MAC ${MAC}`, setting: 'network.interface_mac' },
    ],
    [
      'two interfaces with the MAC, neither the configured name: no guess',
      [entry('br0', MAC), entry('end0', MAC)],
      {
        kind: 'ambiguous',
        reason: `no single uplink has MAC ${MAC}: br0, end0, none named eth0; name the uplink in network.interface; nothing is done about it`,
      },
    ],
    [
      'only a stacked interface has the MAC: no guess',
      [entry('end0.100', MAC, true)],
      {
        kind: 'ambiguous',
        reason: `no single uplink has MAC ${MAC}: end0.100 (stacked on another), none named eth0; name the uplink in network.interface; nothing is done about it`,
      },
    ],
  ];
  for (const [name, interfaces, expected] of cases) {
    it(name, () =>
      assert.deepEqual(
        locateInterface({ interface: 'eth0', interface_mac: MAC }, () => interfaces),
        expected,
      ),
    );
  }
});

describe('renameHint', () => {
  const hint = (name: string, mac: string, kind = 'Ethernet'): string =>
    `hint: ${name} is the only other ${kind} interface: renamed by an update? Name it in network.interface, or set network.interface_mac to ${mac} (its MAC) so a rename no longer matters; it is left alone until then`;
  const cases: [string, string, InterfaceEntry[], string | undefined][] = [
    [
      'eth0 gone, end0 the only other Ethernet interface',
      'eth0',
      [entry('lo', '00:00:00:00:00:00'), entry('end0', MAC), entry('wlan0', OTHER_MAC)],
      hint('end0', MAC),
    ],
    ['enp1s0 gone, eth0 there', 'enp1s0', [entry('eth0', MAC)], hint('eth0', MAC)],
    [
      'wlan0 gone, wlp2s0 there',
      'wlan0',
      [entry('eth0', OTHER_MAC), entry('wlp2s0', MAC)],
      hint('wlp2s0', MAC, 'wireless'),
    ],
    ['two other Ethernet interfaces: no guess', 'eth0', [entry('end0', MAC), entry('end1', OTHER_MAC)], undefined],
    [
      'a VLAN does not count as another interface',
      'eth0',
      [entry('end0', MAC), entry('end0.100', MAC, true)],
      hint('end0', MAC),
    ],
    ['no other of its kind', 'eth0', [entry('lo', '00:00:00:00:00:00'), entry('wlan0', MAC)], undefined],
    ['a name of no known kind', 'uplink', [entry('end0', MAC)], undefined],
    [
      'the other one has no MAC: the hint names it only',
      'wwan0',
      [entry('wwp0s20u4', undefined)],
      'hint: wwp0s20u4 is the only other WWAN interface: renamed by an update? Name it in network.interface; it is left alone until then',
    ],
  ];
  for (const [name, configured, interfaces, expected] of cases) {
    it(name, () => assert.equal(renameHint(configured, interfaces), expected));
  }
});
