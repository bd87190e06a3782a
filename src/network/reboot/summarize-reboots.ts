import { normalizeBootId } from '../../system/boot-info.js';
import type { NetworkEventRow } from '../store/read-network-events.js';
import { secondsBetween, type BootInstant } from './seconds-between.js';

const DAY_SECONDS = 24 * 60 * 60;

/** What the cooldown and the daily limit need to know of past reboots. */
export interface RebootHistory {
  /** The newest reboot row, if any. */
  last: NetworkEventRow | undefined;
  /** Seconds since it. */
  sinceLastRebootSeconds: number | undefined;
  rebootsInLastDay: number;
}

/** Summarises past reboots (`reboot` rows, newest first) as seen from `now`. Pure. */
export function summarizeReboots(rows: readonly NetworkEventRow[], now: BootInstant): RebootHistory {
  const ages = rows.map((row) => secondsBetween(instantOf(row), now));
  return {
    last: rows[0],
    sinceLastRebootSeconds: ages[0],
    rebootsInLastDay: ages.filter((age) => age < DAY_SECONDS).length,
  };
}

function instantOf(row: NetworkEventRow): BootInstant {
  return {
    atMs: Date.parse(row.at),
    bootId: row.boot_id == null ? undefined : normalizeBootId(row.boot_id),
    uptimeSeconds: row.uptime_seconds ?? undefined,
  };
}
