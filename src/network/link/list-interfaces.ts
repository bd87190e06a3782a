import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemErrorCode } from '../../errors.js';

/** One network interface as sysfs shows it. */
export interface InterfaceEntry {
  name: string;
  /** Its MAC address in lower case (`address`), or `undefined` when it has none (a tunnel) or it cannot be read. */
  mac: string | undefined;
  /**
   * Whether it is stacked on another interface (`lower_*` links: a VLAN, a macvlan), and so
   * shares that one's MAC without being the uplink itself.
   */
  stacked: boolean;
}

/**
 * Every interface of this network namespace, from `<sysfsRoot>/class/net`. Read only when
 * the uplink is named by MAC or is missing: a healthy tick named by interface never lists.
 * An entry that vanishes while it is read is left out; no sysfs at all is an empty list.
 */
export function listInterfaces(sysfsRoot: string): InterfaceEntry[] {
  const folder = join(sysfsRoot, 'class', 'net');
  let names: string[];
  try {
    names = readdirSync(folder).sort();
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT' || systemErrorCode(error) === 'ENOTDIR') return [];
    throw error;
  }
  const entries: InterfaceEntry[] = [];
  for (const name of names) {
    let inside: string[];
    try {
      inside = readdirSync(join(folder, name));
    } catch {
      continue;
    }
    entries.push({
      name,
      mac: readMac(join(folder, name, 'address')),
      stacked: inside.some((entry) => entry.startsWith('lower_')),
    });
  }
  return entries;
}

function readMac(path: string): string | undefined {
  try {
    const text = readFileSync(path, 'utf8').trim().toLowerCase();
    return text === '' ? undefined : text;
  } catch {
    return undefined;
  }
}
