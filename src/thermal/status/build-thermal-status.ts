import type { ThermalConfig } from '../config/thermal-types.js';
import type { ThermalZoneRow } from '../store/thermal-rows.js';

/** One zone as `status` shows it: as the last tick read it. */
export interface ThermalZoneStatus {
  zone: string;
  type: string | null;
  /** `null` when it could not be read. */
  celsius: number | null;
  level: string;
  reason: string;
  /** When it entered its level. */
  since: string;
  checked_at: string;
}

/** The `thermal` part of `status` (and of `status --json`). */
export interface ThermalStatus {
  warning_celsius: number;
  critical_celsius: number;
  hysteresis_celsius: number;
  /** As the last tick read them; empty before the first tick. */
  zones: ThermalZoneStatus[];
}

export function buildThermalStatus(thermal: ThermalConfig, rows: readonly ThermalZoneRow[]): ThermalStatus {
  return {
    warning_celsius: thermal.warning_celsius,
    critical_celsius: thermal.critical_celsius,
    hysteresis_celsius: thermal.hysteresis_celsius,
    zones: rows.map((row) => ({
      zone: row.zone,
      type: row.type,
      celsius: row.celsius,
      level: row.level,
      reason: row.reason,
      since: row.since,
      checked_at: row.checked_at,
    })),
  };
}
