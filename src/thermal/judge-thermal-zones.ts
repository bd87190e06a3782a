import type { ThermalConfig } from './config/thermal-types.js';
import { decideThermalEvent, type ThermalEventKind } from './decide-thermal-event.js';
import { judgeThermalLevel } from './judge-thermal-level.js';
import type { ZoneReading } from './read-thermal-zones.js';
import type { ThermalZoneRow } from './store/thermal-rows.js';
import { asThermalLevel, type ThermalLevel } from './thermal-level.js';

/** One zone, judged against its last level. */
export interface ThermalZoneJudgement {
  zone: string;
  type: string | undefined;
  celsius: number | undefined;
  level: ThermalLevel;
  reason: string;
  /** The level the last tick left; `undefined` for a zone never judged. */
  previous: ThermalLevel | undefined;
  /** When it entered its level: now, on a change. */
  since: string;
  /** The event its change of level raises; `undefined` when nothing changed. */
  event: ThermalEventKind | undefined;
}

/** Judges each zone read at `checkedAt` against the level its row holds. Pure. */
export function judgeThermalZones(
  thermal: ThermalConfig,
  zones: readonly ZoneReading[],
  rows: ReadonlyMap<string, ThermalZoneRow>,
  checkedAt: string,
): ThermalZoneJudgement[] {
  return zones.map((reading) => {
    const row = rows.get(reading.zone);
    const previous = asThermalLevel(row?.level);
    const { level, reason } = judgeThermalLevel({
      celsius: reading.celsius,
      problem: reading.problem,
      previous,
      warningCelsius: thermal.warning_celsius,
      criticalCelsius: thermal.critical_celsius,
      hysteresisCelsius: thermal.hysteresis_celsius,
    });
    return {
      zone: reading.zone,
      type: reading.type,
      celsius: reading.celsius,
      level,
      reason,
      previous,
      since: previous === level && row !== undefined ? row.since : checkedAt,
      event: decideThermalEvent(previous, level),
    };
  });
}
