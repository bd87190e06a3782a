import { existsSync, readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { describeError, systemErrorCode } from '../../errors.js';
import type { Ipv6Entry } from './judge-ipv6.js';

/**
 * What `/sys/class/net/IF/carrier` says: `up` (1), `down` (0), `admin_down` (the kernel
 * refuses to read the carrier of an interface that is set down: EINVAL), `missing` (no
 * such interface), `unreadable` (anything else).
 */
export type CarrierReading = 'up' | 'down' | 'admin_down' | 'missing' | 'unreadable';

/** One look at the uplink. */
export interface LinkReading {
  interface: string;
  carrier: CarrierReading;
  /** Why the carrier is `unreadable`. */
  carrierError?: string;
  /** Its IPv4 addresses; only looked up while the carrier is up, else empty. */
  ipv4: string[];
  /** Its IPv6 addresses with their flags; looked up only when `require_ipv6` asks, while the carrier is up. */
  ipv6?: Ipv6Entry[];
}

export interface ReadLinkOptions {
  /** Where sysfs is mounted (`network.sysfs_root`). */
  sysfsRoot: string;
  /** For testing: the IPv4 addresses of an interface (default: from `os.networkInterfaces()`). */
  ipv4Of?: (name: string) => string[];
}

/** Reads the carrier and the IPv4 addresses of `name`. Never throws: a failure is in the reading. */
export function readLink(name: string, { sysfsRoot, ipv4Of = ipv4AddressesOf }: ReadLinkOptions): LinkReading {
  const folder = join(sysfsRoot, 'class', 'net', name);
  let text: string;
  try {
    text = readFileSync(join(folder, 'carrier'), 'utf8');
  } catch (error) {
    const carrier = carrierOfReadError(systemErrorCode(error), existsSync(folder));
    return carrier === 'unreadable'
      ? { interface: name, carrier, carrierError: describeError(error), ipv4: [] }
      : { interface: name, carrier, ipv4: [] };
  }
  const value = text.trim();
  if (value === '1') {
    try {
      return { interface: name, carrier: 'up', ipv4: ipv4Of(name) };
    } catch (error) {
      return {
        interface: name,
        carrier: 'unreadable',
        carrierError: `carrier up, but its addresses cannot be read: ${describeError(error)}`,
        ipv4: [],
      };
    }
  }
  if (value === '0') return { interface: name, carrier: 'down', ipv4: [] };
  return {
    interface: name,
    carrier: 'unreadable',
    carrierError: `unexpected carrier value ${JSON.stringify(value)}`,
    ipv4: [],
  };
}

/** What a failed read of the carrier file means, from its error code and whether the interface's folder exists. */
export function carrierOfReadError(code: string | undefined, folderExists: boolean): CarrierReading {
  if (code === 'EINVAL') return 'admin_down';
  if (code === 'ENOENT' && !folderExists) return 'missing';
  return 'unreadable';
}

/**
 * IPv4 addresses of an interface as getifaddrs(3) reports them in this network namespace.
 * Node lists only interfaces that are up and running, which is all that is asked here:
 * the address is only looked for once the carrier is up.
 */
export function ipv4AddressesOf(name: string): string[] {
  return (networkInterfaces()[name] ?? [])
    .filter((address) => address.family === 'IPv4')
    .map((address) => address.address);
}
