/**
 * What the watchdog tells people about. A channel subscribes to some of these (all by
 * default); the names are what `notify.channels.<name>.events` lists and what the JSON
 * payload's `event` says.
 */
export const EVENT_KINDS = [
  'recovery_started',
  'recovery_succeeded',
  'recovery_failed',
  'recovery_refused',
  'gave_up',
  'process_off',
  'process_on',
  'process_recovered',
  'process_still_down',
  'network_degraded',
  'network_healed',
  'reboot_done',
  'reboot_failed',
  'reboot_suppressed',
  'thermal_warning',
  'thermal_critical',
  'thermal_normal',
  'thermal_unreadable',
  'filesystem_failing',
  'filesystem_healthy',
] as const;

export type EventKind = (typeof EVENT_KINDS)[number];
