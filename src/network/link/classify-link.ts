import type { ProbeSetResult } from '../../probes/probe.js';
import type { LinkReading } from './read-link.js';
import { splitIpv4 } from './judge-ipv4.js';
import { whyIpv6Unusable } from './judge-ipv6.js';

/**
 * The uplink's health, stored as these strings. `up` is healthy; `check_error` means it
 * could not be judged (neither a failure nor healthy: the failure count stays as it is);
 * every other state is a failure.
 */
export type LinkState =
  'up' | 'no_carrier' | 'admin_down' | 'missing' | 'no_ipv4' | 'no_ipv6' | 'unreachable' | 'check_error';

export interface LinkVerdict {
  state: LinkState;
  /** One line for logs, status and the audit log. */
  reason: string;
  /** The usable IPv4 addresses (link-local and the like left out: `judge-ipv4.ts`). */
  ipv4: string[];
  /**
   * The interface the uplink is now, which a bounce sets down and up; `undefined` when it
   * is named by MAC and no single interface has that MAC.
   */
  device?: string | undefined;
  /** The `alive` probes, when they ran. */
  alive?: ProbeSetResult;
}

export interface ClassifyLinkOptions {
  requireIpv4: boolean;
  /**
   * Whether this watchdog has ever seen the interface. A missing interface that was never
   * there is a typo in the config, not a broken link: rebooting over it would loop forever.
   */
  seenBefore: boolean;
  /** The `alive` probes' result; only asked for once carrier and address are fine. */
  alive?: ProbeSetResult;
  /** `network.allow_link_local`: a 169.254.0.0/16 address counts as usable. Default false. */
  allowLinkLocal?: boolean;
  /** `network.require_ipv6`: the link also needs a usable IPv6 address (`reading.ipv6`). Default false. */
  requireIpv6?: boolean;
  /** Added to the reason, whatever the state: how the interface was found, or a hint about a missing one. */
  note?: string | undefined;
  /**
   * What a missing interface is called in the reason, and the setting that named it: `the
   * interface with MAC 02:..` and `network.interface_mac` when it is looked up by MAC.
   */
  lookup?: { subject: string; setting: string };
}

/** Whether a state counts as a failure (`up` and `check_error` do not). */
export function isLinkFailure(state: LinkState): boolean {
  return state !== 'up' && state !== 'check_error';
}

/**
 * Whether the link needs the `alive` probes to be judged: only when carrier and address
 * already say it is fine (probing a link that has no carrier would only wait for timeouts).
 */
export function needsAliveProbes(
  reading: LinkReading,
  requireIpv4: boolean,
  addresses: Pick<ClassifyLinkOptions, 'allowLinkLocal' | 'requireIpv6'> = {},
): boolean {
  return reading.carrier === 'up' && judgeLink(reading, { requireIpv4, seenBefore: true, ...addresses }).state === 'up';
}

/** Judges one look at the uplink. Pure. */
export function classifyLink(reading: LinkReading, options: ClassifyLinkOptions): LinkVerdict {
  const verdict = judgeLink(reading, options);
  return options.note === undefined ? verdict : { ...verdict, reason: `${verdict.reason}; ${options.note}` };
}

function judgeLink(
  reading: LinkReading,
  { requireIpv4, seenBefore, alive, allowLinkLocal = false, requireIpv6 = false, lookup }: ClassifyLinkOptions,
): LinkVerdict {
  const name = reading.interface;
  const { usable: ipv4, unusable } = splitIpv4(reading.ipv4, { allowLinkLocal });
  const subject = lookup?.subject ?? `interface ${name}`;
  switch (reading.carrier) {
    case 'missing':
      return seenBefore
        ? {
            state: 'missing',
            reason: `${subject} is gone (it was there before: a driver or a USB adapter lost?)`,
            ipv4,
          }
        : {
            state: 'check_error',
            reason: `${subject} does not exist and was never seen by this watchdog (a typo in ${lookup?.setting ?? 'network.interface'}?); nothing is done about it`,
            ipv4,
          };
    case 'unreadable':
      return {
        state: 'check_error',
        reason: `cannot read the carrier of ${name}: ${reading.carrierError ?? 'unknown error'}`,
        ipv4,
      };
    case 'admin_down':
      return { state: 'admin_down', reason: `interface ${name} is set down`, ipv4 };
    case 'down':
      return { state: 'no_carrier', reason: `no carrier on ${name} (cable, switch port or the far end is down)`, ipv4 };
    case 'up':
      break;
  }
  if (requireIpv4 && ipv4.length === 0) {
    const only = unusable.map((address) => `${address.address} is ${address.why}`).join('; ');
    const reason =
      only === ''
        ? `carrier up on ${name} but no IPv4 address (DHCP?)`
        : `carrier up on ${name} but no usable IPv4 address: ${only}`;
    return { state: 'no_ipv4', reason, ipv4 };
  }
  const ipv6 = (reading.ipv6 ?? []).map((entry) => ({ address: entry.address, why: whyIpv6Unusable(entry) }));
  const ipv6Usable = ipv6.filter((entry) => entry.why === undefined).map((entry) => entry.address);
  if (requireIpv6 && ipv6Usable.length === 0) {
    const only = ipv6.map((entry) => `${entry.address} is ${entry.why ?? ''}`).join('; ');
    const reason =
      only === ''
        ? `carrier up on ${name} but no IPv6 address`
        : `carrier up on ${name} but no usable IPv6 address: ${only}`;
    return { state: 'no_ipv6', reason, ipv4 };
  }
  const addresses = [...ipv4, ...(requireIpv6 ? ipv6Usable : [])];
  const where = addresses.length > 0 ? `${name} up, ${addresses.join(', ')}` : `${name} up`;
  if (alive === undefined) return { state: 'up', reason: where, ipv4 };
  if (!alive.answered)
    return { state: 'unreachable', reason: `${where}, but the alive probes failed: ${alive.summary}`, ipv4, alive };
  return { state: 'up', reason: `${where}; ${alive.summary}`, ipv4, alive };
}
