import type { Store } from '../../store/open-store.js';

/** A `thermal_zones` row: where a zone stood at the last tick that read it. */
export interface ThermalZoneRow {
  zone: string;
  type: string | null;
  level: string;
  celsius: number | null;
  reason: string;
  /** When the zone entered its level. */
  since: string;
  checked_at: string;
}

export function writeThermalZone(db: Store, row: ThermalZoneRow): void {
  db.prepare(
    `INSERT INTO thermal_zones (zone, type, level, celsius, reason, since, checked_at)
     VALUES (@zone, @type, @level, @celsius, @reason, @since, @checked_at)
     ON CONFLICT (zone) DO UPDATE SET type = excluded.type, level = excluded.level, celsius = excluded.celsius,
       reason = excluded.reason, since = excluded.since, checked_at = excluded.checked_at`,
  ).run(row);
}

/** The zones the last tick read, by name. */
export function readThermalZoneRows(db: Store): Map<string, ThermalZoneRow> {
  return new Map(readThermalZoneList(db).map((row) => [row.zone, row]));
}

/** Forgets the zones this tick did not read (gone from sysfs, or from the config's list). */
export function forgetOtherThermalZones(db: Store, read: readonly string[]): void {
  db.prepare('DELETE FROM thermal_zones WHERE zone NOT IN (SELECT value FROM json_each(?))').run(JSON.stringify(read));
}

/** The zones the last tick read, in the order it read them (`thermal_zone2` before `thermal_zone10`). */
export function readThermalZoneList(db: Store): ThermalZoneRow[] {
  return db.prepare<[], ThermalZoneRow>('SELECT * FROM thermal_zones ORDER BY length(zone), zone').all();
}
