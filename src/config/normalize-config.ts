import { dirname, join, resolve } from 'node:path';
import { CONFIG_DEFAULTS, NO_HEARTBEAT_TIMEOUT_SECONDS } from './defaults.js';
import { normalizeHealthProbe } from '../health/health-probe.js';
import { normalizeResourceLimits } from '../limits/resource-limits.js';
import { normalizeNetwork } from '../network/config/normalize-network.js';
import { normalizeThermal } from '../thermal/config/normalize-thermal.js';
import { normalizeNotify, normalizePing } from '../notify/config/normalize-notify.js';
import { normalizeWakeOnLan } from '../wake/normalize-wake-on-lan.js';
import { passwdLookup, type LookupUser } from '../system/lookup-user.js';
import { normalizeFilesystem } from './normalize-filesystems.js';
import { commandsOf } from './commands-of.js';
import { runtimeDirOf } from './runtime-dir.js';
import { inheritedSettingsOf, type InheritedSettings } from './inherited-settings.js';

export { commandsOf } from './commands-of.js';
export { inheritedSettingsOf, type InheritedSettings } from './inherited-settings.js';
import type { LogLevel } from '../logging/logger.js';
import type {
  MetricsConfig,
  ProcessConfig,
  RawConfig,
  RawMetricsConfig,
  RawProcessConfig,
  WatchdogConfig,
} from './types.js';

/**
 * Applies defaults, turns the Python Watchdog's legacy per-process keys into the new
 * format, and resolves every relative path against the config file's folder (cron's
 * working directory is not the project). Expects input that passed the schema.
 */
export function normalizeConfig(
  raw: RawConfig,
  configPath: string,
  lookupUser: LookupUser = passwdLookup(),
  runtimeDir: string = runtimeDirOf(),
): WatchdogConfig {
  const configDir = dirname(configPath);
  const dbPath = resolve(configDir, raw.db_path ?? CONFIG_DEFAULTS.db_path);
  const journalPath = resolve(configDir, raw.journal_path ?? `${dbPath}${CONFIG_DEFAULTS.journal_suffix}`);
  const inherited = inheritedSettingsOf(raw, configDir);
  return {
    config_path: configPath,
    log_level: toLogLevel(raw.log_level ?? CONFIG_DEFAULTS.log_level),
    db_path: dbPath,
    lock_path:
      raw.lock_path === undefined
        ? resolve(dirname(dbPath), CONFIG_DEFAULTS.lock_filename)
        : resolve(configDir, raw.lock_path),
    journal_path: journalPath,
    fallback_journal_path:
      raw.fallback_journal_path === undefined
        ? join(CONFIG_DEFAULTS.fallback_journal_dir, encodeURIComponent(journalPath))
        : resolve(configDir, raw.fallback_journal_path),
    folded_checks_path:
      raw.folded_checks_path === undefined
        ? join(runtimeDir, CONFIG_DEFAULTS.folded_checks_dir, encodeURIComponent(dbPath))
        : resolve(configDir, raw.folded_checks_path),
    max_folded_checks: raw.max_folded_checks ?? CONFIG_DEFAULTS.max_folded_checks,
    log_dir: inherited.logDir,
    log_max_bytes: raw.log_max_bytes ?? CONFIG_DEFAULTS.log_max_bytes,
    log_max_files: raw.log_max_files ?? CONFIG_DEFAULTS.log_max_files,
    consecutive_failures_threshold: inherited.consecutive_failures_threshold,
    kill_timeout: inherited.kill_timeout,
    cleanup_timeout: inherited.cleanup_timeout,
    verify_delay: inherited.verify_delay,
    cleanup_args: inherited.cleanup_args,
    history_retention_days: raw.history_retention_days ?? CONFIG_DEFAULTS.history_retention_days,
    max_clock_skew_seconds: raw.max_clock_skew_seconds ?? CONFIG_DEFAULTS.max_clock_skew_seconds,
    processes: Object.entries(raw.processes).map(([key, process]) =>
      normalizeProcess(key, process, inherited, lookupUser),
    ),
    filesystems: Object.entries(raw.filesystems ?? {}).map(([key, filesystem]) =>
      normalizeFilesystem(key, filesystem, inherited, lookupUser),
    ),
    network: raw.network === undefined ? undefined : normalizeNetwork(raw.network, configDir),
    notify: raw.notify === undefined ? undefined : normalizeNotify(raw.notify, configDir),
    thermal: raw.thermal === undefined ? undefined : normalizeThermal(raw.thermal, configDir),
    metrics: raw.metrics === undefined ? undefined : normalizeMetrics(raw.metrics, configDir),
    ping: normalizePing(raw),
  };
}

/** The `metrics` section with its path made absolute. */
function normalizeMetrics(raw: RawMetricsConfig, configDir: string): MetricsConfig {
  return { textfile_path: resolve(configDir, raw.textfile_path) };
}

/**
 * One process: legacy keys normalised, pipeline decided, overrides applied, paths resolved,
 * its `user` looked up (the rules reported an unknown one before this runs).
 */
export function normalizeProcess(
  key: string,
  raw: RawProcessConfig,
  inherited: InheritedSettings,
  lookupUser: LookupUser = passwdLookup(),
): ProcessConfig {
  const commands = commandsOf(raw);
  const { configDir } = inherited;
  return {
    key,
    display_name: raw.display_name,
    timeout_seconds: raw.timeout_seconds ?? NO_HEARTBEAT_TIMEOUT_SECONDS,
    heartbeat_path: raw.heartbeat_path === undefined ? undefined : resolve(configDir, raw.heartbeat_path),
    enabled: raw.enabled,
    commands,
    recovery_actions: pipelineOf(raw, commands).pipeline,
    consecutive_failures_threshold: raw.consecutive_failures_threshold ?? inherited.consecutive_failures_threshold,
    kill_timeout: raw.kill_timeout ?? inherited.kill_timeout,
    cleanup_timeout: raw.cleanup_timeout ?? inherited.cleanup_timeout,
    verify_delay: raw.verify_delay ?? inherited.verify_delay,
    cleanup_args: raw.cleanup_args ?? inherited.cleanup_args,
    start_grace_seconds: raw.start_grace_seconds ?? raw.timeout_seconds ?? NO_HEARTBEAT_TIMEOUT_SECONDS,
    // The defaults are absolute already: a tick of a thousand processes resolved them a thousand times.
    cwd: raw.cwd === undefined ? configDir : resolve(configDir, raw.cwd),
    env: { ...raw.env },
    output_log:
      raw.output_log === undefined
        ? join(inherited.logDir, `${fileNameOf(key)}.out.log`)
        : resolve(configDir, raw.output_log),
    output_log_fallback: join(inherited.logDir, `${fileNameOf(key)}.out.log`),
    user: raw.user === undefined ? undefined : lookupUser(raw.user),
    match: raw.match === undefined ? undefined : new RegExp(raw.match, 'u'),
    healthy_statuses: raw.healthy_statuses === undefined ? CONFIG_DEFAULTS.healthy_statuses : [...raw.healthy_statuses],
    pid_file: raw.pid_file === undefined ? undefined : resolve(configDir, raw.pid_file),
    max_recoveries: raw.max_recoveries ?? inherited.max_recoveries,
    recovery_window_seconds: raw.recovery_window_seconds ?? inherited.recovery_window_seconds,
    recovery_backoff_seconds: raw.recovery_backoff_seconds ?? inherited.recovery_backoff_seconds,
    wake_on_lan: Object.fromEntries(
      Object.entries(raw.wake_on_lan ?? {}).map(([action, target]) => [action, normalizeWakeOnLan(target)]),
    ),
    ...normalizeResourceLimits(raw),
    health: raw.health === undefined ? undefined : normalizeHealthProbe(raw.health),
  };
}

/** A process key as a file name: keys are free text, file names are not. */
function fileNameOf(key: string): string {
  const name = key.replace(/[^A-Za-z0-9._-]/g, '_');
  return name === '' || name === '.' || name === '..' ? `_${name}` : name;
}

export interface Pipeline {
  /** The actions as listed, or the default list (without `clear_db` when there is no such command). */
  listed: string[];
  /** `listed` less `disabled_actions`, order kept: what a recovery runs. */
  pipeline: string[];
  disabled: Set<string>;
}

/** A process's recovery pipeline. Tolerant of values of the wrong type, like `commandsOf`. */
export function pipelineOf(
  raw: { recovery_actions?: unknown; disabled_actions?: unknown },
  commands: Record<string, string>,
): Pipeline {
  const listed = Array.isArray(raw.recovery_actions)
    ? raw.recovery_actions.filter((action): action is string => typeof action === 'string')
    : CONFIG_DEFAULTS.recovery_actions.filter((action) => action !== 'clear_db' || commands.clear_db !== undefined);
  const disabled = new Set(
    Array.isArray(raw.disabled_actions)
      ? raw.disabled_actions.filter((action): action is string => typeof action === 'string')
      : [],
  );
  return { listed, pipeline: listed.filter((action) => !disabled.has(action)), disabled };
}

function toLogLevel(level: string): LogLevel {
  switch (level.toLowerCase()) {
    case 'debug':
      return 'debug';
    case 'warn':
    case 'warning':
      return 'warn';
    case 'error':
    case 'critical':
      return 'error';
    default:
      return 'info';
  }
}
