/**
 * The config's `thermal` section, as written and resolved. Without it the watchdog does
 * not read a temperature. Alert only: a zone's level is recorded, shown, exported and
 * notified, and nothing is killed or rebooted for it.
 */

export interface RawThermalConfig {
  sysfs_root?: string;
  zones?: string[];
  warning_celsius?: number;
  critical_celsius?: number;
  hysteresis_celsius?: number;
}

export interface ThermalConfig {
  /** The folder holding the `thermal_zone*` folders; absolute. */
  sysfs_root: string;
  /** Zone names (`thermal_zone0`) or types (`cpu-thermal`) to read; `undefined`: every zone. */
  zones: readonly string[] | undefined;
  warning_celsius: number;
  critical_celsius: number;
  /** How far below a threshold a zone must cool to leave its level. */
  hysteresis_celsius: number;
}
