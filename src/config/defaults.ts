import { DEFAULT_HEALTHY_STATUSES } from '../heartbeat/judge-status.js';

/** Defaults of the config format; the Python Watchdog's where it had one. */
export const CONFIG_DEFAULTS = {
  log_level: 'info',
  db_path: 'watchdog.db',
  log_dir: 'logs',
  /** The lock lives beside the database unless `lock_path` says otherwise. */
  lock_filename: 'watchdog.lock',
  log_max_bytes: 5 * 1024 * 1024,
  log_max_files: 5,
  consecutive_failures_threshold: 2,
  kill_timeout: 10,
  cleanup_timeout: 60,
  verify_delay: 2,
  cleanup_args: ['--force'],
  history_retention_days: 30,
  max_clock_skew_seconds: 60,
  recovery_actions: ['kill', 'clear_db', 'start'],
  /** The Python Watchdog's health rule: any heartbeat status other than `"running"` is `error_status`. */
  healthy_statuses: DEFAULT_HEALTHY_STATUSES,
  /** The crash-loop guard: at most this many recoveries... */
  max_recoveries: 3,
  /** ...within this many seconds, then the process is given up on until `on` or `reset`. */
  recovery_window_seconds: 3600,
  /** After a failed recovery the next waits this long, doubled for each further failure in a row. */
  recovery_backoff_seconds: 60,
  /** Rows the audit database could not take wait here, beside the database unless `journal_path` says otherwise. */
  journal_suffix: '.journal',
} as const;

/** Actions the watchdog performs itself; every other action name runs `commands.<name>`. */
export const BUILT_IN_ACTIONS: readonly string[] = ['kill', 'start'];

/** Defaults of the `network` section. No default reboot command: without one there is no reboot. */
export const NETWORK_DEFAULTS = {
  require_ipv4: true,
  allow_link_local: false,
  require_ipv6: false,
  consecutive_failures_threshold: 2,
  interval_minutes: 5,
  ladder_timeout_seconds: 600,
  max_failures: 3,
  probe_mode: 'any',
  probe_timeout_seconds: 3,
  http_expect_status: 200,
  bounce_down_seconds: 2,
  settle_seconds: 15,
  rung_timeout_seconds: 120,
  reboot_timeout_seconds: 60,
  cooldown_seconds: 3600,
  max_per_day: 3,
  usb_gadget_dir: 'usb_gadget',
  sysfs_root: '/sys',
  configfs_root: '/sys/kernel/config',
} as const;
