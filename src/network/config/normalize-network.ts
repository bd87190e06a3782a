import { resolve } from 'node:path';
import type { ProbeSetSpec, ProbeSpec } from '../../probes/probe.js';
import { normalizeProbe } from '../../probes/probe-config.js';
import { NETWORK_DEFAULTS } from './network-defaults.js';
import { normalizeWakeOnLan } from '../../wake/normalize-wake-on-lan.js';
import type {
  NetworkConfig,
  RawNetworkConfig,
  RawProbe,
  RawProbeSet,
  RawRebootConfig,
  RawRung,
  RebootConfig,
  RungConfig,
} from './network-types.js';

/** The `network` section with defaults applied and paths made absolute. Expects input that passed the schema. */
export function normalizeNetwork(raw: RawNetworkConfig, configDir: string): NetworkConfig {
  const configfsRoot = resolve(configDir, raw.configfs_root ?? NETWORK_DEFAULTS.configfs_root);
  return {
    interface: raw.interface,
    interface_mac: raw.interface_mac?.toLowerCase().replaceAll('-', ':'),
    require_ipv4: raw.require_ipv4 ?? NETWORK_DEFAULTS.require_ipv4,
    allow_link_local: raw.allow_link_local ?? NETWORK_DEFAULTS.allow_link_local,
    require_ipv6: raw.require_ipv6 ?? NETWORK_DEFAULTS.require_ipv6,
    alive: raw.alive === undefined ? undefined : normalizeProbeSet(raw.alive),
    consecutive_failures_threshold:
      raw.consecutive_failures_threshold ?? NETWORK_DEFAULTS.consecutive_failures_threshold,
    interval_minutes: raw.interval_minutes ?? NETWORK_DEFAULTS.interval_minutes,
    ladder_timeout_seconds: raw.ladder_timeout_seconds ?? NETWORK_DEFAULTS.ladder_timeout_seconds,
    ladder: (raw.ladder ?? [{ type: 'bounce' }]).map(normalizeRung),
    max_failures: raw.max_failures ?? NETWORK_DEFAULTS.max_failures,
    reboot: raw.reboot === undefined ? undefined : normalizeReboot(raw.reboot, configDir, configfsRoot),
    sysfs_root: resolve(configDir, raw.sysfs_root ?? NETWORK_DEFAULTS.sysfs_root),
    configfs_root: configfsRoot,
  };
}

function normalizeRung(raw: RawRung): RungConfig {
  const settle_seconds = raw.settle_seconds ?? NETWORK_DEFAULTS.settle_seconds;
  if (raw.type === 'bounce') {
    return {
      type: 'bounce',
      name: raw.name ?? 'bounce',
      down_seconds: raw.down_seconds ?? NETWORK_DEFAULTS.bounce_down_seconds,
      settle_seconds,
    };
  }
  if (raw.type === 'wol') {
    return { type: 'wol', name: raw.name, target: normalizeWakeOnLan(raw), settle_seconds };
  }
  return {
    type: 'command',
    name: raw.name,
    command: raw.command,
    timeout_seconds: raw.timeout_seconds ?? NETWORK_DEFAULTS.rung_timeout_seconds,
    settle_seconds,
  };
}

function normalizeReboot(raw: RawRebootConfig, configDir: string, configfsRoot: string): RebootConfig {
  return {
    command: raw.command,
    timeout_seconds: raw.timeout_seconds ?? NETWORK_DEFAULTS.reboot_timeout_seconds,
    cooldown_seconds: raw.cooldown_seconds ?? NETWORK_DEFAULTS.cooldown_seconds,
    max_per_day: raw.max_per_day ?? NETWORK_DEFAULTS.max_per_day,
    maintenance_flag: raw.maintenance_flag === undefined ? undefined : resolve(configDir, raw.maintenance_flag),
    usb_guard: {
      enabled: raw.usb_guard?.enabled ?? true,
      gadget_dir: resolve(configfsRoot, raw.usb_guard?.gadget_dir ?? NETWORK_DEFAULTS.usb_gadget_dir),
      only_when_bound: raw.usb_guard?.only_when_bound ?? false,
    },
    veto_if_reachable: raw.veto_if_reachable === undefined ? undefined : normalizeProbeSet(raw.veto_if_reachable),
  };
}

function normalizeProbeSet(raw: RawProbeSet): ProbeSetSpec {
  return { mode: raw.mode ?? NETWORK_DEFAULTS.probe_mode, probes: raw.probes.map(normalizeNetworkProbe) };
}

function normalizeNetworkProbe(raw: RawProbe): ProbeSpec {
  return normalizeProbe(raw, {
    timeout_seconds: NETWORK_DEFAULTS.probe_timeout_seconds,
    expect_status: NETWORK_DEFAULTS.http_expect_status,
  });
}
