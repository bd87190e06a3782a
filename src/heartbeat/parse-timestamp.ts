import { describeJson } from './describe-json.js';

export type TimestampParse = { ok: true; epochMs: number } | { ok: false; reason: string };

// ISO 8601 as Python's datetime.isoformat() writes it: a T or a space between date and
// time, optional fraction (Python writes microseconds), and a zone: Z or ±HH:MM.
const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|z|[+-]\d{2}:?\d{2}(?::\d{2})?)?$/;

/**
 * Parses a heartbeat timestamp. A timestamp without a time zone is refused: its instant
 * depends on the writer's local zone, so it cannot be compared with the clock.
 */
export function parseTimestamp(value: string): TimestampParse {
  const match = ISO_TIMESTAMP.exec(value.trim());
  if (match === null) return { ok: false, reason: `timestamp ${describeJson(value)} is not an ISO 8601 date and time` };
  const [, year, month, day, hour, minute, second = '0', fraction = '', zone] = match;
  if (zone === undefined) {
    return { ok: false, reason: `timestamp ${describeJson(value)} has no time zone (write it in UTC with +00:00)` };
  }
  const fields = [year, month, day, hour, minute, second].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const [y, mo, d, h, mi, s] = fields;
  const local = Date.UTC(y, mo - 1, d, h, mi, s, Number(fraction.padEnd(3, '0').slice(0, 3)));
  const check = new Date(local);
  if (
    check.getUTCFullYear() !== y ||
    check.getUTCMonth() !== mo - 1 ||
    check.getUTCDate() !== d ||
    check.getUTCHours() !== h ||
    check.getUTCMinutes() !== mi ||
    check.getUTCSeconds() !== s
  ) {
    return { ok: false, reason: `timestamp ${describeJson(value)} is not a valid date and time` };
  }
  const offsetMs = zoneOffsetMs(zone);
  if (offsetMs === undefined)
    return { ok: false, reason: `timestamp ${describeJson(value)} has an invalid time zone offset` };
  return { ok: true, epochMs: local - offsetMs };
}

/** The zone's offset from UTC; `undefined` when it is out of range (Python allows up to ±23:59:59). */
function zoneOffsetMs(zone: string): number | undefined {
  if (zone === 'Z' || zone === 'z') return 0;
  const digits = zone.slice(1).replace(/:/g, '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2, 4));
  const seconds = Number(digits.slice(4, 6) || '0');
  if (hours > 23 || minutes > 59 || seconds > 59) return undefined;
  const sign = zone.startsWith('-') ? -1 : 1;
  return sign * ((hours * 60 + minutes) * 60 + seconds) * 1000;
}
