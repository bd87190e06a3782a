import { resolve } from 'node:path';
import { THERMAL_DEFAULTS } from './thermal-defaults.js';
import type { RawThermalConfig, ThermalConfig } from './thermal-types.js';

/** The `thermal` section with defaults applied and the root made absolute. Expects input that passed the schema. */
export function normalizeThermal(raw: RawThermalConfig, configDir: string): ThermalConfig {
  return {
    sysfs_root: resolve(configDir, raw.sysfs_root ?? THERMAL_DEFAULTS.sysfs_root),
    zones: raw.zones,
    warning_celsius: raw.warning_celsius ?? THERMAL_DEFAULTS.warning_celsius,
    critical_celsius: raw.critical_celsius ?? THERMAL_DEFAULTS.critical_celsius,
    hysteresis_celsius: raw.hysteresis_celsius ?? THERMAL_DEFAULTS.hysteresis_celsius,
  };
}
