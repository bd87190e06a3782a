import type { RawWakeOnLanTarget, WakeOnLanTarget } from './wake-on-lan-target.js';

/** Where a magic packet goes unless the target says otherwise: the local broadcast address, the discard port. */
export const WAKE_ON_LAN_DEFAULTS = {
  broadcast: '255.255.255.255',
  port: 9,
} as const;

/** A Wake-on-LAN target with its defaults applied and its MAC address in one spelling. Expects input that passed the schema. */
export function normalizeWakeOnLan(raw: RawWakeOnLanTarget): WakeOnLanTarget {
  return {
    mac: raw.mac.toLowerCase().replaceAll('-', ':'),
    broadcast: raw.broadcast ?? WAKE_ON_LAN_DEFAULTS.broadcast,
    port: raw.port ?? WAKE_ON_LAN_DEFAULTS.port,
  };
}
