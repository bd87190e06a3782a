import type { HealthProbe, RawHealthProbe } from '../health/health-probe.js';
import type { ResourceLimits } from '../limits/resource-limits.js';
import type { LogLevel } from '../logging/logger.js';
import type { UserAccount } from '../system/lookup-user.js';
import type { NetworkConfig, RawNetworkConfig } from '../network/config/network-types.js';
import type { RawThermalConfig, ThermalConfig } from '../thermal/config/thermal-types.js';
import type { NotifyConfig, PingConfig, RawNotifyConfig, RawPingConfig } from '../notify/config/notify-types.js';
import type { RawWakeOnLanTarget, WakeOnLanTarget } from '../wake/wake-on-lan-target.js';

/**
 * The config file as users write it (snake_case, drop-in compatible with the Python
 * Watchdog) and the resolved form the rest of the code receives: defaults applied,
 * legacy keys normalised, every path absolute.
 */

/** One process as written in the config file, in the new or the old (legacy) format. */
export interface RawProcessConfig {
  display_name: string;
  /** Required with `heartbeat_path`. */
  timeout_seconds?: number;
  /** Optional when the process is checked another way (`match`, `health`). */
  heartbeat_path?: string;
  enabled: boolean;
  commands?: Record<string, string>;
  recovery_actions?: string[];
  disabled_actions?: string[];
  /** Legacy: becomes `commands.start`. */
  startup_command?: string | null;
  /** Legacy: becomes `commands.clear_db`. */
  cleanup_script?: string | null;
  consecutive_failures_threshold?: number;
  kill_timeout?: number;
  cleanup_timeout?: number;
  verify_delay?: number;
  cleanup_args?: string[];
  start_grace_seconds?: number;
  cwd?: string;
  env?: Record<string, string>;
  output_log?: string;
  user?: string;
  match?: string;
  healthy_statuses?: string[];
  pid_file?: string;
  max_recoveries?: number;
  recovery_window_seconds?: number;
  recovery_backoff_seconds?: number;
  wake_on_lan?: Record<string, RawWakeOnLanTarget>;
  max_memory_mb?: number;
  max_cpu_percent?: number;
  health?: RawHealthProbe;
}

/** The config file as written. */
export interface RawConfig {
  log_level?: string;
  db_path?: string;
  lock_path?: string;
  journal_path?: string;
  fallback_journal_path?: string;
  folded_checks_path?: string;
  max_folded_checks?: number;
  log_dir?: string;
  log_max_bytes?: number;
  log_max_files?: number;
  consecutive_failures_threshold?: number;
  kill_timeout?: number;
  cleanup_timeout?: number;
  verify_delay?: number;
  cleanup_args?: string[];
  max_recoveries?: number;
  recovery_window_seconds?: number;
  recovery_backoff_seconds?: number;
  history_retention_days?: number;
  max_clock_skew_seconds?: number;
  processes: Record<string, RawProcessConfig>;
  filesystems?: Record<string, RawFilesystemConfig>;
  network?: RawNetworkConfig;
  notify?: RawNotifyConfig;
  thermal?: RawThermalConfig;
  metrics?: RawMetricsConfig;
  ping_url?: string;
  ping_timeout_seconds?: number;
  ping?: RawPingConfig;
}

/** One entry of `filesystems` as written (docs/filesystems.md). */
export interface RawFilesystemConfig {
  path: string;
  display_name?: string;
  enabled?: boolean;
  min_free_mb?: number;
  min_free_percent?: number;
  fail_if_read_only?: boolean;
  commands?: Record<string, string>;
  recovery_actions?: string[];
  consecutive_failures_threshold?: number;
  kill_timeout?: number;
  cleanup_timeout?: number;
  cleanup_args?: string[];
  max_recoveries?: number;
  recovery_window_seconds?: number;
  recovery_backoff_seconds?: number;
  cwd?: string;
  env?: Record<string, string>;
  user?: string;
}

/**
 * One file system entry, resolved: the free space and read-only flag of the file system
 * holding `path`, checked every tick; a failure counts toward its threshold and runs its
 * commands, under the crash-loop guard, as a process's does. Its key is unique across
 * `processes` and `filesystems`: its rows in the audit log are keyed by it.
 */
export interface FilesystemConfig {
  /** The key of the entry in `filesystems`. */
  key: string;
  /** Default the key. */
  display_name: string;
  /** Absolute: a folder on the file system checked. */
  path: string;
  /** Default true. */
  enabled: boolean;
  min_free_mb: number | undefined;
  min_free_percent: number | undefined;
  /** `undefined`: fail when read-only only if the mount point is `/`. */
  fail_if_read_only: boolean | undefined;
  /** Action name → shell command. */
  commands: Record<string, string>;
  /** The commands a recovery runs, in order; default none (alert only). */
  recovery_actions: string[];
  consecutive_failures_threshold: number;
  /** Seconds between SIGTERM and SIGKILL of a command past its `cleanup_timeout`. */
  kill_timeout: number;
  cleanup_timeout: number;
  cleanup_args: string[];
  max_recoveries: number;
  recovery_window_seconds: number;
  recovery_backoff_seconds: number;
  /** Absolute; default the config file's folder. */
  cwd: string;
  env: Record<string, string>;
  /** The account its commands run as; absent: the watchdog's own. */
  user: UserAccount | undefined;
}

/** The `metrics` section as written. */
export interface RawMetricsConfig {
  textfile_path: string;
}

/** The `metrics` section, resolved. */
export interface MetricsConfig {
  /** Absolute; a `.prom` file in node_exporter's textfile collector folder. */
  textfile_path: string;
}

/** One process, resolved; its resource limits are `max_memory_mb` and `max_cpu_percent` (src/limits/). */
export interface ProcessConfig extends ResourceLimits {
  /** The key of the process in `processes`. */
  key: string;
  display_name: string;
  /** Seconds a heartbeat may age; without a heartbeat, only the default of `start_grace_seconds`. */
  timeout_seconds: number;
  /** Absolute; `undefined` for an app checked without a heartbeat (by `match`). */
  heartbeat_path: string | undefined;
  enabled: boolean;
  /** Action name → shell command; `start` is always present. */
  commands: Record<string, string>;
  /** The ordered pipeline, `disabled_actions` already removed. */
  recovery_actions: string[];
  /** The process's own value, else the top-level one. */
  consecutive_failures_threshold: number;
  /** Seconds between SIGTERM and SIGKILL. */
  kill_timeout: number;
  /** Seconds a custom action may run. */
  cleanup_timeout: number;
  /** Seconds a start command must keep running (or exit 0) to count as started. */
  verify_delay: number;
  /** Appended to every custom action. */
  cleanup_args: string[];
  /** Seconds after a start during which a missing heartbeat is not a failure. Default `timeout_seconds`. */
  start_grace_seconds: number;
  /** Absolute working directory of the process's commands. Default the config file's folder. */
  cwd: string;
  /** Added to the watchdog's environment for the process's commands. */
  env: Record<string, string>;
  /** Absolute path the started app's stdout and stderr are appended to. Default `<log_dir>/<key>.out.log`. */
  output_log: string;
  /**
   * Where the output goes when `output_log` cannot be opened or written (docs/output-logs.md):
   * `<log_dir>/<key>.out.log`, the default output log; not a setting of its own.
   */
  output_log_fallback: string;
  /**
   * The account the app runs as, when the config names one: its heartbeat must be owned
   * by it, the PID it names must run as it, and its commands run as it.
   */
  user: UserAccount | undefined;
  /** A pattern the command line of the heartbeat's PID must match, for writers that record no start time. */
  match: RegExp | undefined;
  /**
   * The heartbeat statuses that mean healthy, compared exactly; any other status (or none)
   * is `error_status`. Default `["running"]`, the Python Watchdog's rule.
   */
  healthy_statuses: readonly string[];
  /**
   * Absolute path of the file a daemonizing start command's daemon writes its PID to: after
   * a start command that exits 0, the PID there (untrusted) is taken as the started instance.
   */
  pid_file: string | undefined;
  /** The crash-loop guard: at most this many recoveries within `recovery_window_seconds`. */
  max_recoveries: number;
  recovery_window_seconds: number;
  /** The wait after a failed recovery; doubled for each further failure in a row. 0: no wait. */
  recovery_backoff_seconds: number;
  /** Action name → a machine to wake: such an action of the pipeline sends a magic packet. */
  wake_on_lan: Record<string, WakeOnLanTarget>;
  /** A probe asked at every check whether the app answers (src/health/); `undefined`: none. */
  health: HealthProbe | undefined;
}

/** The whole config, resolved. */
export interface WatchdogConfig {
  /** Absolute path of the file this was loaded from. */
  config_path: string;
  log_level: LogLevel;
  /** Absolute. */
  db_path: string;
  /** Absolute. */
  lock_path: string;
  /** Absolute: where rows wait when the database cannot take them. */
  journal_path: string;
  /** Absolute: where the journal goes when its own folder refuses rows (full, read-only). */
  fallback_journal_path: string;
  /** Absolute: where unchanged checks wait, in memory, before they are folded into one row of the database. */
  folded_checks_path: string;
  /** At most this many unchanged checks wait before they go to the database as one row; 1: none wait. */
  max_folded_checks: number;
  /** Absolute. */
  log_dir: string;
  log_max_bytes: number;
  log_max_files: number;
  consecutive_failures_threshold: number;
  kill_timeout: number;
  cleanup_timeout: number;
  verify_delay: number;
  cleanup_args: string[];
  history_retention_days: number;
  max_clock_skew_seconds: number;
  /** In config-file order. */
  processes: ProcessConfig[];
  /** In config-file order; empty without a `filesystems` section. */
  filesystems: FilesystemConfig[];
  /** The uplink's self-heal ladder; `undefined` when the config has no `network` section. */
  network: NetworkConfig | undefined;
  /** Where events are sent; `undefined` when the config has no `notify` section. */
  notify: NotifyConfig | undefined;
  /** Temperatures watched, alert only; `undefined` when the config has no `thermal` section. */
  thermal: ThermalConfig | undefined;
  /** The Prometheus textfile; `undefined` when the config has no `metrics` section. */
  metrics: MetricsConfig | undefined;
  /** The dead man's switch; `undefined` without `ping` or `ping_url`. */
  ping: PingConfig | undefined;
}
