import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A zone of a fake `/sys/class/thermal`: its `type`, and its `temp` in degrees (written in millidegrees). */
export interface FakeZone {
  type?: string;
  /** Left out: no `temp` file. `'unreadable'`: `temp` is a folder, which no read gets through (root included). */
  celsius?: number | 'unreadable';
}

/** Writes `thermal_zoneN` under `root` (a temp folder), as the kernel lays it out. */
export function writeThermalZone(root: string, index: number, zone: FakeZone): string {
  const folder = join(root, `thermal_zone${index}`);
  mkdirSync(folder, { recursive: true });
  if (zone.type !== undefined) writeFileSync(join(folder, 'type'), `${zone.type}\n`);
  setZoneTemperature(root, index, zone.celsius);
  return folder;
}

/** Sets the zone's `temp` (or takes it away), as the sensor would. */
export function setZoneTemperature(root: string, index: number, celsius: FakeZone['celsius']): void {
  const path = join(root, `thermal_zone${index}`, 'temp');
  rmSync(path, { recursive: true, force: true });
  if (celsius === 'unreadable') mkdirSync(path);
  else if (celsius !== undefined) writeFileSync(path, `${Math.round(celsius * 1000)}\n`);
}
