import type { ThermalLevel } from './thermal-level.js';

export type ThermalEventKind = `thermal_${ThermalLevel}`;

/**
 * What a zone's level change is told as: every change, each level its own event; a zone
 * first seen normal is no news, one first seen hot or unreadable is. `undefined`: no change. Pure.
 */
export function decideThermalEvent(
  previous: ThermalLevel | undefined,
  level: ThermalLevel,
): ThermalEventKind | undefined {
  if (previous === level) return undefined;
  if (previous === undefined && level === 'normal') return undefined;
  return `thermal_${level}`;
}
