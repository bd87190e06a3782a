import type { ThermalConfig } from './config/thermal-types.js';
import { judgeThermalZones, type ThermalZoneJudgement } from './judge-thermal-zones.js';
import { readThermalZones } from './read-thermal-zones.js';
import type { ThermalZoneRow } from './store/thermal-rows.js';

export interface ThermalPreview {
  zones: ThermalZoneJudgement[];
  rootProblem: string | undefined;
}

/**
 * `check --dry-run`'s thermal part: each zone read now and judged against the level the
 * last tick recorded, with the event a tick would raise. Reads sysfs, writes nothing.
 */
export function previewThermal(
  thermal: ThermalConfig,
  rows: ReadonlyMap<string, ThermalZoneRow>,
  checkedAt: string,
): ThermalPreview {
  const reading = readThermalZones(thermal.sysfs_root, thermal.zones);
  return { zones: judgeThermalZones(thermal, reading.zones, rows, checkedAt), rootProblem: reading.rootProblem };
}
