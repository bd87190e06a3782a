/**
 * A zone's level: below the warning threshold, at or above it, at or above the critical
 * one, or `unreadable` (no temperature could be read: its own state, never a crash).
 */
export const THERMAL_LEVELS = ['normal', 'warning', 'critical', 'unreadable'] as const;

export type ThermalLevel = (typeof THERMAL_LEVELS)[number];

/** The value of the `watchdog_thermal_level` gauge: ordered by severity, `unreadable` apart. */
export const LEVEL_GAUGE: Readonly<Record<ThermalLevel, number>> = {
  normal: 0,
  warning: 1,
  critical: 2,
  unreadable: -1,
};

/** A stored level as a level; anything else (a row from a newer watchdog) as none. */
export function asThermalLevel(value: string | null | undefined): ThermalLevel | undefined {
  return THERMAL_LEVELS.find((level) => level === value);
}
