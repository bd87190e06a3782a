import { escapeUntrustedLine } from '../../display/escape-untrusted.js';
import { describeZone } from '../describe-zone.js';
import type { ThermalPreview } from '../preview-thermal.js';

/**
 * `check --dry-run`'s thermal part: a line per zone, its level and what a tick would do
 * about it; escaped to one line ({@link escapeUntrustedLine}).
 */
export function formatThermalPreview(preview: ThermalPreview): string[] {
  const lines: string[] = [];
  if (preview.rootProblem !== undefined) lines.push(`thermal: ${preview.rootProblem}`);
  if (preview.zones.length === 0 && preview.rootProblem === undefined) lines.push('thermal: no thermal zone found');
  for (const zone of preview.zones) {
    const head = `thermal ${describeZone(zone.zone, zone.type)}: ${zone.level}: ${zone.reason}`;
    const then =
      zone.event === undefined
        ? 'nothing to do (alert only)'
        : `would record and notify ${zone.event} (was ${zone.previous ?? 'never read'}); alert only, nothing is stopped`;
    lines.push(`${head} → ${then}`);
  }
  return lines.map(escapeUntrustedLine);
}
