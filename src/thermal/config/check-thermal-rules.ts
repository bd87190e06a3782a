import { THERMAL_DEFAULTS } from './thermal-defaults.js';
import { CRITICAL_CELSIUS, HYSTERESIS_CELSIUS, WARNING_CELSIUS } from './thermal-schema.js';

/**
 * Rules of the `thermal` section the schema cannot express: the critical threshold above the
 * warning one (defaults count, so a lone `warning_celsius: 90` is refused against the
 * default critical 85), a hysteresis narrower than the gap between them (else a zone
 * cooled below the warning could stay critical), and a zone named once, with no slash or white space (it is a folder
 * name or a driver's type). Values out of their range or of the wrong type are the schema's
 * to report, and are not compared.
 */
export function checkThermalRules(raw: Record<string, unknown>): string[] {
  const errors: string[] = [];
  const warning = valueOf(raw.warning_celsius, THERMAL_DEFAULTS.warning_celsius, WARNING_CELSIUS);
  const critical = valueOf(raw.critical_celsius, THERMAL_DEFAULTS.critical_celsius, CRITICAL_CELSIUS);
  const hysteresis = valueOf(raw.hysteresis_celsius, THERMAL_DEFAULTS.hysteresis_celsius, HYSTERESIS_CELSIUS);
  if (warning !== undefined && critical !== undefined && critical <= warning) {
    const which = raw.critical_celsius === undefined ? ' (the default)' : '';
    errors.push(`thermal.critical_celsius: must be above warning_celsius (${warning}), got ${critical}${which}`);
  }
  if (
    warning !== undefined &&
    critical !== undefined &&
    hysteresis !== undefined &&
    critical > warning &&
    hysteresis >= critical - warning
  ) {
    errors.push(
      `thermal.hysteresis_celsius: must be below the gap between warning_celsius and critical_celsius (${critical - warning}), got ${hysteresis}`,
    );
  }
  const zones: unknown = raw.zones;
  if (Array.isArray(zones)) {
    zones.forEach((zone: unknown, index) => {
      if (typeof zone === 'string' && zones.indexOf(zone) < index)
        errors.push(`thermal.zones[${index}]: "${zone}" is listed twice`);
      else if (typeof zone === 'string' && /[/\s]/.test(zone))
        errors.push(
          `thermal.zones[${index}]: "${zone}" is not a zone name or type (no "/" or white space): see ls /sys/class/thermal`,
        );
    });
  }
  return errors;
}

/** The setting's value (its default when left out); `undefined` when the schema refuses it. */
function valueOf(value: unknown, fallback: number, range: { minimum: number; maximum: number }): number | undefined {
  if (value === undefined) return fallback;
  return typeof value === 'number' && value >= range.minimum && value <= range.maximum ? value : undefined;
}
