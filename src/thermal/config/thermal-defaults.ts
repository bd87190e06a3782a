/**
 * Defaults of the `thermal` section. A Raspberry Pi's firmware throttles its SoC from
 * 80 °C (85 °C hard); most ARM SoCs and Intel packages allow 90-105 °C. A warning at 75 °C
 * comes before the throttling, the critical level when it is under way.
 */
export const THERMAL_DEFAULTS = {
  sysfs_root: '/sys/class/thermal',
  warning_celsius: 75,
  critical_celsius: 85,
  hysteresis_celsius: 3,
} as const;
