import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * This boot's id (`/proc/sys/kernel/random/boot_id`): a new one at every boot, so rows of
 * the audit log tell which boot they happened in, and a reboot can be told from a clock step.
 */
export function readBootId(procRoot = '/proc'): string | undefined {
  try {
    const id = normalizeBootId(readFileSync(join(procRoot, 'sys', 'kernel', 'random', 'boot_id'), 'utf8'));
    return id === '' ? undefined : id;
  } catch {
    return undefined;
  }
}

/** The boot clock: this boot's id and the seconds since it (`/proc/uptime`, which NTP cannot step). */
export interface BootClock {
  bootId: string | undefined;
  uptimeSeconds: number | undefined;
}

/** Seconds since boot (`/proc/uptime`): a clock that NTP cannot step. */
export function readUptimeSeconds(procRoot = '/proc'): number | undefined {
  try {
    const seconds = Number(readFileSync(join(procRoot, 'uptime'), 'utf8').split(' ')[0]);
    return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A boot id as compared: lower case, without surrounding white space. The kernel writes
 * lower case, but a writer may not (a heartbeat written by another tool), and an id in
 * upper case is the same boot, not another one.
 */
export function normalizeBootId(id: string): string {
  return id.trim().toLowerCase();
}
