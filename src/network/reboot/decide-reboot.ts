import { formatSeconds } from '../../time/format-duration.js';
import { describeBacking, type MassStorageScan } from './find-mass-storage.js';
import type { ProbeSetResult } from '../../probes/probe.js';

/** The guards, in the order they are asked; the first that holds decides. */
export type RebootGuard =
  | 'no_reboot_command'
  | 'max_failures'
  | 'cooldown'
  | 'max_per_day'
  | 'maintenance_flag'
  | 'usb_mass_storage'
  | 'reachable';

export interface RebootFacts {
  /** Consecutive failed ladder runs, the one just finished included. */
  failedLadderRuns: number;
  maxFailures: number;
  /** `undefined` when the config has no `reboot` (then there is never a reboot). */
  reboot: { cooldownSeconds: number; maxPerDay: number } | undefined;
  /** Seconds since the last reboot this watchdog made, if any. */
  sinceLastRebootSeconds: number | undefined;
  /** Reboots this watchdog made in the last 24 hours. */
  rebootsInLastDay: number;
  /** `undefined` when no flag file is configured. */
  maintenanceFlag: { path: string; exists: boolean } | undefined;
  /** `undefined` when the guard is disabled. */
  usb: { scan: MassStorageScan; onlyWhenBound: boolean } | undefined;
  /**
   * `undefined` when no veto probes are configured; `'not_probed'` when they are but have
   * not run yet (they are only run once every other guard lets the reboot through).
   */
  reachability: ProbeSetResult | 'not_probed' | undefined;
}

export type RebootDecision =
  | { kind: 'reboot'; reason: string }
  | { kind: 'hold'; guard: RebootGuard; reason: string }
  /** Every other guard lets it through: run the veto probes and decide again. */
  | { kind: 'probe' };

const DAY_SECONDS = 24 * 60 * 60;

/**
 * May the device reboot now, after a failed ladder run? Each guard is asked in order
 * (docs/design.md, "Reboot guards") and the first that holds decides, named, with its
 * reason. Pure.
 */
export function decideReboot(facts: RebootFacts): RebootDecision {
  const { reboot } = facts;
  if (reboot === undefined)
    return hold('no_reboot_command', 'network.reboot is not configured: the watchdog never reboots');
  if (facts.failedLadderRuns < facts.maxFailures) {
    return hold('max_failures', `${facts.failedLadderRuns} of ${facts.maxFailures} consecutive failed ladder runs`);
  }
  const since = facts.sinceLastRebootSeconds;
  if (since !== undefined && since < reboot.cooldownSeconds) {
    return hold(
      'cooldown',
      `the last reboot was ${formatSeconds(since)} ago; the cooldown is ${formatSeconds(reboot.cooldownSeconds)} (${formatSeconds(reboot.cooldownSeconds - since)} left)`,
    );
  }
  if (facts.rebootsInLastDay >= reboot.maxPerDay) {
    return hold(
      'max_per_day',
      `${facts.rebootsInLastDay} reboots in the last 24 hours; at most ${reboot.maxPerDay} a day (${formatSeconds(DAY_SECONDS)})`,
    );
  }
  if (facts.maintenanceFlag?.exists === true) {
    return hold('maintenance_flag', `the maintenance flag ${facts.maintenanceFlag.path} exists`);
  }
  const usb = usbVeto(facts.usb);
  if (usb !== undefined) return hold('usb_mass_storage', usb);
  if (facts.reachability === 'not_probed') return { kind: 'probe' };
  if (facts.reachability?.answered === true) {
    return hold('reachable', `the network is not the problem, the veto probes answer: ${facts.reachability.summary}`);
  }
  const vetoes =
    facts.reachability === undefined ? '' : `; the veto probes do not answer (${facts.reachability.summary})`;
  return {
    kind: 'reboot',
    reason: `${facts.failedLadderRuns} consecutive failed ladder runs (max_failures ${facts.maxFailures})${vetoes}`,
  };
}

function usbVeto(usb: RebootFacts['usb']): string | undefined {
  if (usb === undefined) return undefined;
  if (usb.scan.error !== undefined) return `cannot tell whether a USB disk image is presented: ${usb.scan.error}`;
  const presenting = usb.scan.backings.filter((backing) => !usb.onlyWhenBound || backing.udc !== '');
  if (presenting.length === 0) return undefined;
  return `a USB mass-storage gadget is in use: ${presenting.map(describeBacking).join('; ')}`;
}

/**
 * Whether a hold stopped a reboot that was due (a rate limit, the maintenance flag, a USB
 * disk, the reachability veto), rather than one not configured or not yet due.
 */
export function isSuppressedReboot(guard: RebootGuard): boolean {
  return guard !== 'no_reboot_command' && guard !== 'max_failures';
}

function hold(guard: RebootGuard, reason: string): RebootDecision {
  return { kind: 'hold', guard, reason };
}
