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
  /**
   * Where the journal goes when its own folder refuses rows (full, read-only): a root-only
   * tmpfs folder, one file per journal. Fixed, never from the environment: a person's `off`
   * kept there must be found by cron's tick, whatever either's environment says.
   */
  fallback_journal_dir: '/run/watchdog/journals',
  /** Unchanged checks not yet in the database: a root-only folder of the runtime folder, one file per database (docs/storage-writes.md). */
  folded_checks_dir: 'folded',
  /** A run of unchanged checks goes to the database as one row at the latest after this many checks. */
  max_folded_checks: 60,
} as const;

/**
 * A process without a heartbeat has no `timeout_seconds` of its own: this stands in for it,
 * as the default of its `start_grace_seconds` (the time a started app has to come up).
 */
export const NO_HEARTBEAT_TIMEOUT_SECONDS = 60;

/** Actions the watchdog performs itself; every other action name runs `commands.<name>`. */
export const BUILT_IN_ACTIONS: readonly string[] = ['kill', 'start'];
