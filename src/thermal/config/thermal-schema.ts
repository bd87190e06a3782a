/**
 * The JSON Schema of the config's `thermal` section. A new section: an unknown key is an
 * error, as a misspelt threshold silently ignored would leave a device unwatched.
 */

/**
 * The thresholds' ranges overlap only where a pair can be valid: a warning from freezing (an
 * outdoor box) to 120 °C, past every SoC's junction limit; a critical level from 20 °C (room
 * temperature; lower is no danger) to 150 °C. The critical one must also be above the warning
 * one (`checkThermalRules`).
 */
export const WARNING_CELSIUS = { type: 'number', minimum: 0, maximum: 120 } as const;
export const CRITICAL_CELSIUS = { type: 'number', minimum: 20, maximum: 150 } as const;

/** More than 20 degrees would hold a level long after the danger passed. */
export const HYSTERESIS_CELSIUS = { type: 'number', minimum: 0, maximum: 20 } as const;

/** At most as many zones as a large server has; each a sysfs name or a driver's type. */
export const THERMAL_ZONE_LIMITS = { maxItems: 64, maxLength: 64 } as const;

export const thermalSchema = {
  type: 'object',
  properties: {
    sysfs_root: { type: 'string', minLength: 1 },
    zones: {
      type: 'array',
      minItems: 1,
      maxItems: THERMAL_ZONE_LIMITS.maxItems,
      items: { type: 'string', minLength: 1, maxLength: THERMAL_ZONE_LIMITS.maxLength },
    },
    warning_celsius: WARNING_CELSIUS,
    critical_celsius: CRITICAL_CELSIUS,
    hysteresis_celsius: HYSTERESIS_CELSIUS,
  },
  additionalProperties: false,
} as const;
