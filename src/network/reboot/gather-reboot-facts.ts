import type { NetworkConfig } from '../config/network-types.js';
import type { NetworkEventRow } from '../store/read-network-events.js';
import type { RebootFacts } from './decide-reboot.js';
import type { NetworkSystem } from '../network-system.js';
import type { BootInstant } from './seconds-between.js';
import { summarizeReboots } from './summarize-reboots.js';

/**
 * What the reboot guards decide on, read from the machine and the past reboots, except
 * the veto probes (they cost time and are only run when every other guard lets it through).
 */
export function gatherRebootFacts(
  network: NetworkConfig,
  failedLadderRuns: number,
  pastReboots: readonly NetworkEventRow[],
  now: BootInstant,
  system: Pick<NetworkSystem, 'fileExists' | 'findMassStorage'>,
): RebootFacts {
  const { reboot } = network;
  const history = summarizeReboots(pastReboots, now);
  return {
    failedLadderRuns,
    maxFailures: network.max_failures,
    reboot:
      reboot === undefined ? undefined : { cooldownSeconds: reboot.cooldown_seconds, maxPerDay: reboot.max_per_day },
    sinceLastRebootSeconds: history.sinceLastRebootSeconds,
    rebootsInLastDay: history.rebootsInLastDay,
    maintenanceFlag:
      reboot?.maintenance_flag === undefined
        ? undefined
        : { path: reboot.maintenance_flag, exists: system.fileExists(reboot.maintenance_flag) },
    usb:
      reboot?.usb_guard.enabled === true
        ? { scan: system.findMassStorage(reboot.usb_guard.gadget_dir), onlyWhenBound: reboot.usb_guard.only_when_bound }
        : undefined,
    reachability: reboot?.veto_if_reachable === undefined ? undefined : 'not_probed',
  };
}
