import { escapeUntrustedLine } from '../../display/escape-untrusted.js';
import { formatCelsius } from '../judge-thermal-level.js';
import type { ThermalStatus } from '../status/build-thermal-status.js';
import { describeZone } from '../describe-zone.js';

/**
 * The thermal zones' part of `watchdog status`: the thresholds, then a line per zone, each
 * escaped to one line ({@link escapeUntrustedLine}): a zone's type is the driver's text.
 */
export function formatThermalStatus(status: ThermalStatus): string[] {
  const head = `thermal: warning at ${status.warning_celsius} °C, critical at ${status.critical_celsius} °C (alert only)`;
  if (status.zones.length === 0) return [`${head}; no zone read yet`];
  const lines = [`${head}; read ${shortTime(status.zones[0]?.checked_at ?? '')}`];
  for (const zone of status.zones) {
    const temperature = zone.celsius === null ? 'no reading' : formatCelsius(zone.celsius);
    const detail = zone.celsius === null ? `: ${zone.reason}` : '';
    lines.push(
      `  ${describeZone(zone.zone, zone.type)}: ${temperature}, ${zone.level} since ${shortTime(zone.since)}${detail}`,
    );
  }
  return lines.map(escapeUntrustedLine);
}

function shortTime(timestamp: string): string {
  return `${timestamp.slice(0, 19).replace('T', ' ')} UTC`;
}
