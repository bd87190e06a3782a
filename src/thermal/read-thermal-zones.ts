import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeError, systemErrorCode } from '../errors.js';

/** One zone as sysfs shows it. */
export interface ZoneReading {
  /** The folder's name (`thermal_zone0`), or the configured name that matched no zone. */
  zone: string;
  /** What the driver calls it (`cpu-thermal`, `x86_pkg_temp`); `undefined` when it cannot be read. */
  type: string | undefined;
  /** `undefined` when the temperature cannot be read: `problem` says why. */
  celsius: number | undefined;
  problem?: string;
}

export interface ThermalReading {
  zones: ZoneReading[];
  /** Why the root could not be listed (then `zones` holds only the configured names, unread). */
  rootProblem?: string;
}

const ZONE_FOLDER = /^thermal_zone(\d+)$/;
/** Beyond these the kernel is not reporting a temperature: a failed sensor's 0x7fffffff or -274000. */
const LOWEST_CELSIUS = -273;
const HIGHEST_CELSIUS = 1000;
/** `temp` and `type` are a line each; more is not sysfs. */
const MAX_FILE_CHARS = 256;

/**
 * Reads the thermal zones under `sysfsRoot` (`/sys/class/thermal`): every `thermal_zone*`,
 * or those whose name or type `wanted` lists (a listed name that matches none is a zone of
 * its own that cannot be read). Each zone's `temp` is in millidegrees Celsius. Never throws:
 * a zone that cannot be read says why.
 */
export function readThermalZones(sysfsRoot: string, wanted: readonly string[] | undefined): ThermalReading {
  let names: string[];
  try {
    names = readdirSync(sysfsRoot)
      .filter((name) => ZONE_FOLDER.test(name))
      .sort((a, b) => zoneNumber(a) - zoneNumber(b));
  } catch (error) {
    const rootProblem = `cannot list ${sysfsRoot}: ${describeError(error)}`;
    return { zones: (wanted ?? []).map((zone) => unmatched(zone, rootProblem)), rootProblem };
  }
  const all = names.map((zone) => readZone(join(sysfsRoot, zone), zone));
  if (wanted === undefined) return { zones: all };
  const zones = all.filter(
    (zone) => wanted.includes(zone.zone) || (zone.type !== undefined && wanted.includes(zone.type)),
  );
  for (const name of wanted) {
    if (!all.some((zone) => zone.zone === name || zone.type === name))
      zones.push(unmatched(name, `no zone of that name or type in ${sysfsRoot}`));
  }
  return { zones };
}

function readZone(folder: string, zone: string): ZoneReading {
  const type = readLine(join(folder, 'type'));
  const temp = readLine(join(folder, 'temp'));
  const typeText = typeof type === 'string' && type !== '' ? type : undefined;
  if (typeof temp !== 'string') return { zone, type: typeText, celsius: undefined, problem: temp.problem };
  if (!/^-?\d{1,10}$/.test(temp))
    return { zone, type: typeText, celsius: undefined, problem: `temp is not a number: ${JSON.stringify(temp)}` };
  const celsius = Number(temp) / 1000;
  if (celsius < LOWEST_CELSIUS || celsius > HIGHEST_CELSIUS)
    return { zone, type: typeText, celsius: undefined, problem: `temp ${temp} is not a temperature (a failed sensor)` };
  return { zone, type: typeText, celsius };
}

/** A file's first line, trimmed; or why it cannot be read. */
function readLine(path: string): string | { problem: string } {
  try {
    return (readFileSync(path, 'utf8').slice(0, MAX_FILE_CHARS).split('\n')[0] ?? '').trim();
  } catch (error) {
    const code = systemErrorCode(error);
    // A sensor that is asleep or failing answers EIO, ENODATA or EAGAIN: the zone is there, its reading not.
    return {
      problem:
        code === 'ENOENT' ? `no ${basename(path)} file` : `cannot read ${basename(path)}: ${describeError(error)}`,
    };
  }
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function unmatched(zone: string, problem: string): ZoneReading {
  return { zone, type: undefined, celsius: undefined, problem };
}

function zoneNumber(name: string): number {
  return Number(ZONE_FOLDER.exec(name)?.[1] ?? 0);
}
