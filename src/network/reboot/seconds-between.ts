/**
 * How long ago a reboot was, robust to the clocks of devices without a real-time clock
 * (they boot in the past and jump forward when NTP answers): within one boot, uptime
 * (which never steps) measures it; across boots, at least the current uptime has passed.
 */

/** When something happened: wall clock, and where available the boot and the uptime then. */
export interface BootInstant {
  atMs: number;
  bootId: string | undefined;
  uptimeSeconds: number | undefined;
}

/** Seconds from `then` to `now`, never negative, never NaN. Pure. */
export function secondsBetween(then: BootInstant, now: BootInstant): number {
  const wall = (now.atMs - then.atMs) / 1000;
  // A time that cannot be read counts as just now: a guard must not forget a reboot.
  const wallSeconds = Number.isFinite(wall) ? wall : 0;
  const sameBoot = then.bootId !== undefined && then.bootId === now.bootId;
  if (sameBoot && then.uptimeSeconds !== undefined && now.uptimeSeconds !== undefined) {
    return Math.max(0, now.uptimeSeconds - then.uptimeSeconds);
  }
  const otherBoot = then.bootId !== undefined && now.bootId !== undefined && then.bootId !== now.bootId;
  // Since another boot, the whole of this boot's uptime has passed, whatever the wall clock says.
  if (otherBoot && now.uptimeSeconds !== undefined) return Math.max(wallSeconds, now.uptimeSeconds);
  return Math.max(0, wallSeconds);
}
