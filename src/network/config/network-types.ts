/**
 * The config's `network` section, as written and resolved. Without it the watchdog does
 * not look at the network at all.
 */
import type { ProbeSetSpec, ProbeSpec } from '../../probes/probe.js';
import type { RawProbe } from '../../probes/probe-config.js';
import type { RawWakeOnLanTarget, WakeOnLanTarget } from '../../wake/wake-on-lan-target.js';

export type { RawProbe };

export interface RawProbeSet {
  mode?: 'any' | 'all';
  probes: RawProbe[];
}

export type RawRung =
  | { type: 'bounce'; name?: string; down_seconds?: number; settle_seconds?: number }
  | { type: 'command'; name: string; command: string; timeout_seconds?: number; settle_seconds?: number }
  | ({ type: 'wol'; name: string; settle_seconds?: number } & RawWakeOnLanTarget);

export interface RawRebootConfig {
  command: string;
  timeout_seconds?: number;
  cooldown_seconds?: number;
  max_per_day?: number;
  maintenance_flag?: string;
  usb_guard?: { enabled?: boolean; gadget_dir?: string; only_when_bound?: boolean };
  veto_if_reachable?: RawProbeSet;
}

export interface RawNetworkConfig {
  interface: string;
  interface_mac?: string;
  require_ipv4?: boolean;
  allow_link_local?: boolean;
  require_ipv6?: boolean;
  alive?: RawProbeSet;
  consecutive_failures_threshold?: number;
  interval_minutes?: number;
  ladder_timeout_seconds?: number;
  ladder?: RawRung[];
  max_failures?: number;
  reboot?: RawRebootConfig;
  sysfs_root?: string;
  configfs_root?: string;
}

/** One rung of the ladder, resolved. Every rung is followed by a re-check after `settle_seconds`. */
export type RungConfig =
  | {
      type: 'bounce';
      /** Default `bounce`. */
      name: string;
      /** Seconds the link stays down. */
      down_seconds: number;
      settle_seconds: number;
    }
  | {
      type: 'command';
      name: string;
      /** Run by /bin/sh -c in the config file's folder. */
      command: string;
      timeout_seconds: number;
      settle_seconds: number;
    }
  | {
      type: 'wol';
      name: string;
      /** The machine to wake (a modem, a router, the box the uplink runs through). */
      target: WakeOnLanTarget;
      settle_seconds: number;
    };

/** The mass-storage guard: no reboot while a USB gadget presents a disk image to a host. */
export interface UsbGuardConfig {
  enabled: boolean;
  /** Absolute: a gadget folder, or a folder of gadgets (`<configfs_root>/usb_gadget` by default). */
  gadget_dir: string;
  /** Only a gadget bound to a USB device controller (its `UDC` not empty) counts. */
  only_when_bound: boolean;
}

export interface RebootConfig {
  command: string;
  timeout_seconds: number;
  /** Seconds after a reboot during which no other one is made. */
  cooldown_seconds: number;
  /** Reboots within any 24 hours. */
  max_per_day: number;
  /** Absolute; while this file exists, no reboot. */
  maintenance_flag: string | undefined;
  usb_guard: UsbGuardConfig;
  /** If these answer, the network is not the problem: no reboot. */
  veto_if_reachable: ProbeSetSpec | undefined;
}

/** The `network` section, resolved. */
export interface NetworkConfig {
  /**
   * The uplink's name: what its state is recorded and reported under, and, without
   * `interface_mac`, the interface that is looked at and bounced.
   */
  interface: string;
  /**
   * When set (lower case, colons), the uplink is the interface with this MAC address,
   * whatever it is called now: a rename by an update (`eth0` → `end0`) is no failure.
   */
  interface_mac: string | undefined;
  /** The link also needs a usable IPv4 address to be healthy. */
  require_ipv4: boolean;
  /**
   * Whether an IPv4 link-local address (169.254.0.0/16) counts as usable. Off by default:
   * it is what a connection manager assigns when DHCP fails.
   */
  allow_link_local: boolean;
  /**
   * The link also needs a usable IPv6 address: not link-local (fe80::/10), not tentative,
   * dadfailed or deprecated. Off by default.
   */
  require_ipv6: boolean;
  /** Probes that must answer too for the link to count as healthy. */
  alive: ProbeSetSpec | undefined;
  /** Consecutive failed checks before the ladder runs. */
  consecutive_failures_threshold: number;
  /** The ladder runs at most this often. */
  interval_minutes: number;
  /** The whole ladder, settle times included, ends within this. */
  ladder_timeout_seconds: number;
  ladder: RungConfig[];
  /** Consecutive failed ladder runs before a reboot is considered. */
  max_failures: number;
  /** Without it the watchdog never reboots. */
  reboot: RebootConfig | undefined;
  /** Absolute. */
  sysfs_root: string;
  /** Absolute. */
  configfs_root: string;
}

export type { ProbeSetSpec, ProbeSpec };
