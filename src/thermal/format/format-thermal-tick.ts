import { describeZone } from '../describe-zone.js';
import type { ThermalTickOutcome } from '../run-thermal-tick.js';

/** `check --verbose`'s thermal lines: each zone's level and why, and the level it left on a change. */
export function formatThermalTick(outcome: ThermalTickOutcome): string[] {
  const lines = outcome.rootProblem === undefined ? [] : [`thermal: ${outcome.rootProblem}`];
  for (const zone of outcome.zones) {
    const change = zone.event === undefined ? '' : ` (was ${zone.previous ?? 'never read'})`;
    lines.push(`thermal ${describeZone(zone.zone, zone.type)}: ${zone.level}: ${zone.reason}${change}`);
  }
  return lines;
}
