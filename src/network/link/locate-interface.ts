import type { InterfaceEntry } from './list-interfaces.js';

/** Where the uplink is now: the interface to read and bounce, or why there is none. */
export type InterfaceLocation =
  | { kind: 'found'; device: string; note?: string }
  | { kind: 'missing'; subject: string; setting: string }
  | { kind: 'ambiguous'; reason: string };

/**
 * Finds the uplink the config names, by its MAC address when `interface_mac` is set. Pure.
 *
 * Several interfaces can share a MAC: a VLAN or a macvlan stacked on the uplink, a bridge
 * that took its port's. Those stacked on another are left out; of what is left, the one
 * named `interface` wins; more than one is `ambiguous`, never a guess (a guess could bounce
 * an interface the config does not mean).
 */
export function locateInterface(
  network: { interface: string; interface_mac: string | undefined },
  interfaces: () => readonly InterfaceEntry[],
): InterfaceLocation {
  const mac = network.interface_mac;
  if (mac === undefined) return { kind: 'found', device: network.interface };
  const withMac = interfaces().filter((entry) => entry.mac === mac);
  const named = withMac.find((entry) => entry.name === network.interface);
  const candidates = named !== undefined ? [named] : withMac.filter((entry) => !entry.stacked);
  const [only] = candidates;
  if (only === undefined || candidates.length > 1) {
    if (withMac.length === 0)
      return { kind: 'missing', subject: `the interface with MAC ${mac}`, setting: 'network.interface_mac' };
    return {
      kind: 'ambiguous',
      reason: `no single uplink has MAC ${mac}: ${withMac.map((entry) => `${entry.name}${entry.stacked ? ' (stacked on another)' : ''}`).join(', ')}, none named ${network.interface}; name the uplink in network.interface; nothing is done about it`,
    };
  }
  if (only.name === network.interface) return { kind: 'found', device: only.name };
  return {
    kind: 'found',
    device: only.name,
    note: `found by its MAC ${mac} as ${only.name} (network.interface says ${network.interface}: renamed?)`,
  };
}

/** Interface kinds told apart by the kernel's and systemd's naming schemes. */
const KINDS: readonly { kind: string; pattern: RegExp }[] = [
  { kind: 'Ethernet', pattern: /^(eth|en)/ },
  { kind: 'wireless', pattern: /^(wlan|wl)/ },
  { kind: 'WWAN', pattern: /^(wwan|ww)/ },
];

function kindOf(name: string): string | undefined {
  return KINDS.find(({ pattern }) => pattern.test(name))?.kind;
}

/**
 * A hint for a configured interface that is missing while exactly one other interface of
 * the same kind (by its name: `eth0`, `end0`, `enp1s0` are Ethernet) is there: an update
 * may have renamed it. Only words: nothing is ever done to an interface the config does not
 * name. Pure; `undefined` when there is nothing worth saying.
 */
export function renameHint(configured: string, interfaces: readonly InterfaceEntry[]): string | undefined {
  const kind = kindOf(configured);
  if (kind === undefined) return undefined;
  const others = interfaces.filter(
    (entry) => entry.name !== configured && !entry.stacked && kindOf(entry.name) === kind,
  );
  const [only] = others;
  if (only === undefined || others.length > 1) return undefined;
  const byMac =
    only.mac === undefined
      ? ''
      : `, or set network.interface_mac to ${only.mac} (its MAC) so a rename no longer matters`;
  return `hint: ${only.name} is the only other ${kind} interface: renamed by an update? Name it in network.interface${byMac}; it is left alone until then`;
}
