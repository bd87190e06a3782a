import { isPlainObject } from '../../json/json-shape.js';
import { isHttpUrl } from '../../system/is-http-url.js';
import { MAC_PATTERN } from '../../wake/wake-on-lan-schema.js';

/** Characters the kernel refuses in an interface name (dev_valid_name): a slash, a colon, white space. */
const NOT_IN_INTERFACE_NAMES = /[/:\s]/;
/** The schema's MAC pattern; only a MAC that passed it is checked further here. */
const MAC = new RegExp(MAC_PATTERN);
/** IFNAMSIZ less the terminating NUL; it counts bytes, not characters. */
const MAX_INTERFACE_NAME_BYTES = 15;

/**
 * Rules of the `network` section the schema cannot express: a real interface name, rung
 * names that tell rungs apart in the audit log, and HTTP probe URLs. Tolerant of values
 * of the wrong type (the schema reports those), so one run reports every problem. Returns
 * the errors (these rules have no warnings).
 */
export function checkNetworkRules(raw: Record<string, unknown>): string[] {
  const errors: string[] = [];
  const name = raw.interface;
  if (typeof name === 'string' && name !== '' && !isInterfaceName(name)) {
    errors.push(`network.interface: "${name}" is not an interface name (at most 15 bytes, no "/", ":" or white space)`);
  }
  const mac = raw.interface_mac;
  if (typeof mac === 'string' && MAC.test(mac)) {
    const octets = mac.split(/[:-]/).map((octet) => Number.parseInt(octet, 16));
    if (octets.every((octet) => octet === 0)) {
      errors.push(
        `network.interface_mac: "${mac}" is all zeros, which loopback and tunnels report: give the MAC of the uplink (cat /sys/class/net/IF/address)`,
      );
    } else if (((octets[0] ?? 0) & 1) === 1) {
      errors.push(
        `network.interface_mac: "${mac}" is a multicast or broadcast address, never an interface's: give the MAC of the uplink (cat /sys/class/net/IF/address)`,
      );
    }
  }

  if (Array.isArray(raw.ladder)) {
    const seen = new Map<string, number>();
    raw.ladder.forEach((rung: unknown, index) => {
      if (!isPlainObject(rung)) return;
      const rungName = typeof rung.name === 'string' ? rung.name : rung.type === 'bounce' ? 'bounce' : undefined;
      if (rungName === undefined) return;
      const first = seen.get(rungName);
      if (first === undefined) seen.set(rungName, index);
      else
        errors.push(
          `network.ladder[${index}].name: "${rungName}" is also the name of ladder[${first}] (give each rung its own name)`,
        );
    });
  }

  const probeSets: [string, unknown][] = [['network.alive', raw.alive]];
  if (isPlainObject(raw.reboot)) probeSets.push(['network.reboot.veto_if_reachable', raw.reboot.veto_if_reachable]);
  for (const [at, set] of probeSets) {
    if (!isPlainObject(set) || !Array.isArray(set.probes)) continue;
    set.probes.forEach((probe: unknown, index) => {
      if (!isPlainObject(probe) || probe.type !== 'http' || typeof probe.url !== 'string') return;
      if (!isHttpUrl(probe.url))
        errors.push(`${at}.probes[${index}].url: "${probe.url}" is not an http:// or https:// URL`);
    });
  }
  return errors;
}

function isInterfaceName(name: string): boolean {
  return (
    Buffer.byteLength(name) <= MAX_INTERFACE_NAME_BYTES &&
    !NOT_IN_INTERFACE_NAMES.test(name) &&
    name !== '.' &&
    name !== '..'
  );
}
