import { USER_HZ } from '../system/proc-stat.js';

/** The CPU time of the app's tree at one tick, with what tells its instance and when it was taken. */
export interface CpuSample {
  /** The app: its PID, start time (clock ticks since boot) and boot. */
  pid: number;
  startTicks: number;
  bootId: string | undefined;
  /** CPU time of the app and its descendants, in clock ticks (USER_HZ). */
  cpuTicks: number;
  /** The boot clock (`/proc/uptime`) when it was taken: no step of the wall clock moves it. */
  uptimeSeconds: number;
}

/** A CPU rate, or why there is none yet (never a failure). */
export type CpuRate =
  | { kind: 'rate'; percent: number; seconds: number }
  | {
      kind: 'none';
      why: string;
      /** The previous sample stays for the next tick (too little time passed to say anything). */
      keepPrevious: boolean;
    };

/** Below this many seconds between samples a rate says too little (a tick's own work would dominate it). */
export const MIN_RATE_SECONDS = 1;

/**
 * The app's CPU use between the previous sample and this one, in percent of one core. Only
 * between two samples of the same instance (PID, start time, boot) on the boot clock: a first
 * sample, a new instance, a boot clock that did not move on, or a tree that lost CPU time (a
 * descendant left it) gives no rate, and says why. Pure.
 *
 * @example
 * decideCpuRate({ ...sample, cpuTicks: 1000, uptimeSeconds: 100 }, { ...sample, cpuTicks: 7000, uptimeSeconds: 160 });
 * // { kind: 'rate', percent: 100, seconds: 60 }
 */
export function decideCpuRate(previous: CpuSample | undefined, current: CpuSample): CpuRate {
  const none = (why: string, keepPrevious = false): CpuRate => ({ kind: 'none', why, keepPrevious });
  if (previous === undefined) return none('no rate yet: the first sample of this app');
  if (
    previous.pid !== current.pid ||
    previous.startTicks !== current.startTicks ||
    previous.bootId?.toLowerCase() !== current.bootId?.toLowerCase()
  )
    return none(`no rate yet: the first sample of this instance (PID ${current.pid})`);
  const seconds = current.uptimeSeconds - previous.uptimeSeconds;
  if (!(seconds > 0)) return none('no rate: the boot clock did not move on since the last sample');
  if (seconds < MIN_RATE_SECONDS)
    return none(`no rate yet: less than ${MIN_RATE_SECONDS} s since the last sample`, true);
  const ticks = current.cpuTicks - previous.cpuTicks;
  if (ticks < 0) return none('no rate: a descendant left the tree since the last sample');
  return { kind: 'rate', percent: (ticks / USER_HZ / seconds) * 100, seconds };
}
