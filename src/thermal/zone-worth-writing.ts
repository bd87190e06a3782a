import type { ThermalZoneJudgement } from './judge-thermal-zones.js';
import type { ThermalZoneRow } from './store/thermal-rows.js';

/** A zone's temperature must move by this many degrees before its row is written again. */
export const CELSIUS_STEP = 1;

/**
 * Whether a zone's reading is worth a write to the card (docs/storage-writes.md): a zone new
 * or of another type, a level changed (an event), a temperature read where none was or none
 * where one was, or one moved by a degree or more. A zone that stays at 47.3 °C ± 0.5 writes
 * nothing; `status` shows the row as last written, with its time.
 */
export function zoneWorthWriting(row: ThermalZoneRow | undefined, zone: ThermalZoneJudgement): boolean {
  if (row === undefined || zone.event !== undefined) return true;
  if (row.level !== zone.level || row.type !== (zone.type ?? null) || row.since !== zone.since) return true;
  const celsius = zone.celsius ?? null;
  if (row.celsius === null || celsius === null) return row.celsius !== celsius;
  return Math.abs(row.celsius - celsius) >= CELSIUS_STEP;
}
