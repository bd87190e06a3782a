import { escapeUntrusted } from '../display/escape-untrusted.js';

/** `thermal_zone0 (cpu-thermal)`: the type is the driver's text, escaped for a terminal or the log. */
export function describeZone(zone: string, type: string | null | undefined): string {
  const name = escapeUntrusted(zone);
  return type === null || type === undefined ? name : `${name} (${escapeUntrusted(type)})`;
}
