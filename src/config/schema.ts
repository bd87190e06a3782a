import { networkSchema } from '../network/config/network-schema.js';
import { thermalSchema } from '../thermal/config/thermal-schema.js';
import { notifySchema, pingSchema } from '../notify/config/notify-schema.js';
import { healthProbeSchema } from '../health/health-probe.js';
import { resourceLimitsSchema } from '../limits/resource-limits.js';
import { wakeOnLanSchema } from '../wake/wake-on-lan-schema.js';

/**
 * The JSON Schema of the config file: one schema for the whole format, new and legacy
 * keys alike. Cross-field rules (an action with no command) live in
 * `check-config-rules.ts`, which runs on the normalised config.
 */

const LOG_LEVELS = ['debug', 'info', 'warn', 'warning', 'error', 'critical'];

const nonEmptyString = { type: 'string', minLength: 1 } as const;
/**
 * Every number has a range a tick can run with (docs/config-ranges.md): none overflows a
 * timer (Node fires a delay above 2^31 - 1 ms at once), a date (`new Date(now ± x)`) or a
 * count the store reads back.
 */
const DAY_SECONDS = 86400;
/** Seconds a recovery waits for something: positive, and at most a day (timers cannot wait much longer). */
const waitSeconds = { type: 'number', exclusiveMinimum: 0, maximum: DAY_SECONDS } as const;
const delaySeconds = { type: 'number', minimum: 0, maximum: DAY_SECONDS } as const;
/** How long a heartbeat may be silent (and a start may take): a week covers an app that beats once a day. */
const heartbeatSeconds = { type: 'number', exclusiveMinimum: 0, maximum: 7 * DAY_SECONDS } as const;
/**
 * Checks or recoveries counted one a tick: at most a day of ticks a minute apart. The
 * crash-loop guard reads back the last 1440 recoveries, so a larger `max_recoveries`
 * could never be reached.
 */
const tickCount = { type: 'integer', minimum: 1, maximum: 1440 } as const;

/**
 * The heartbeat statuses that mean healthy. A short list of short words (the Python
 * Watchdog knew one, `"running"`); duplicates and stray white space are refused by
 * `check-config-rules.ts`, with messages the schema cannot give.
 */
export const HEALTHY_STATUS_LIMITS = { maxItems: 16, maxLength: 64 } as const;
const healthyStatuses = {
  type: 'array',
  minItems: 1,
  maxItems: HEALTHY_STATUS_LIMITS.maxItems,
  items: { type: 'string', minLength: 1, maxLength: HEALTHY_STATUS_LIMITS.maxLength },
} as const;

/** Settings a process inherits from the top level unless it sets its own. */
const inheritableSettings = {
  consecutive_failures_threshold: tickCount,
  kill_timeout: waitSeconds,
  cleanup_timeout: waitSeconds,
  verify_delay: delaySeconds,
  cleanup_args: { type: 'array', items: { type: 'string' } },
  max_recoveries: tickCount,
  recovery_window_seconds: { type: 'number', exclusiveMinimum: 0, maximum: 30 * DAY_SECONDS },
  recovery_backoff_seconds: delaySeconds,
} as const;

export const processSchema = {
  type: 'object',
  // `heartbeat_path` and `timeout_seconds`: see checkProcessRules (a heartbeat, `match` or `health`).
  required: ['display_name', 'enabled'],
  properties: {
    display_name: { type: 'string' },
    timeout_seconds: heartbeatSeconds,
    heartbeat_path: nonEmptyString,
    enabled: { type: 'boolean' },
    commands: {
      type: 'object',
      additionalProperties: nonEmptyString,
    },
    recovery_actions: { type: 'array', items: nonEmptyString },
    disabled_actions: { type: 'array', items: nonEmptyString },
    startup_command: { type: ['string', 'null'] },
    cleanup_script: { type: ['string', 'null'] },
    // Per-process overrides of the top-level settings of the same name.
    ...inheritableSettings,
    start_grace_seconds: { type: 'number', minimum: 0, maximum: 7 * DAY_SECONDS },
    cwd: nonEmptyString,
    env: { type: 'object', additionalProperties: { type: 'string' } },
    output_log: nonEmptyString,
    user: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_.-]*\\$?$' },
    match: nonEmptyString,
    healthy_statuses: healthyStatuses,
    // A path (PATH_MAX at most) the start command's daemon writes its PID to.
    pid_file: { type: 'string', minLength: 1, maxLength: 4096 },
    wake_on_lan: { type: 'object', additionalProperties: wakeOnLanSchema },
    ...resourceLimitsSchema,
    health: healthProbeSchema,
  },
} as const;

/**
 * One entry of `filesystems` (docs/filesystems.md). New: an unknown key is an error, and so
 * is a setting that only a process has (`wake_on_lan`, `start_grace_seconds`...). Its
 * commands' settings are the processes' ones, inherited from the top level alike.
 */
export const filesystemSchema = {
  type: 'object',
  required: ['path'],
  properties: {
    path: { type: 'string', minLength: 1, maxLength: 4096 },
    display_name: { type: 'string' },
    enabled: { type: 'boolean' },
    // Up to 1 PiB in MiB; a limit above the size only fails (the rules do not know the size).
    min_free_mb: { type: 'number', exclusiveMinimum: 0, maximum: 1024 ** 3 },
    // 100 would fail on every file system.
    min_free_percent: { type: 'number', exclusiveMinimum: 0, maximum: 99 },
    fail_if_read_only: { type: 'boolean' },
    commands: { type: 'object', additionalProperties: nonEmptyString },
    recovery_actions: { type: 'array', items: nonEmptyString },
    consecutive_failures_threshold: inheritableSettings.consecutive_failures_threshold,
    kill_timeout: inheritableSettings.kill_timeout,
    cleanup_timeout: inheritableSettings.cleanup_timeout,
    cleanup_args: inheritableSettings.cleanup_args,
    max_recoveries: inheritableSettings.max_recoveries,
    recovery_window_seconds: inheritableSettings.recovery_window_seconds,
    recovery_backoff_seconds: inheritableSettings.recovery_backoff_seconds,
    cwd: nonEmptyString,
    env: { type: 'object', additionalProperties: { type: 'string' } },
    user: processSchema.properties.user,
  },
  additionalProperties: false,
} as const;

/** The Prometheus textfile. A new section: an unknown key is an error. */
const metricsSchema = {
  type: 'object',
  required: ['textfile_path'],
  properties: { textfile_path: nonEmptyString },
  additionalProperties: false,
} as const;

export const configSchema = {
  type: 'object',
  required: ['processes'],
  properties: {
    // The Python tool used Python's level names (INFO, WARNING...); both spellings load.
    log_level: { enum: [...LOG_LEVELS, ...LOG_LEVELS.map((level) => level.toUpperCase())] },
    db_path: nonEmptyString,
    lock_path: nonEmptyString,
    journal_path: nonEmptyString,
    fallback_journal_path: nonEmptyString,
    folded_checks_path: nonEmptyString,
    // 1: every check is a row of its own, as before; 1440: a day of checks a minute apart.
    max_folded_checks: { type: 'integer', minimum: 1, maximum: 1440 },
    log_dir: nonEmptyString,
    // Also the size an app's output log is rotated at.
    log_max_bytes: { type: 'integer', minimum: 10240, maximum: 1024 ** 3 },
    // Each rotation renames every file in turn.
    log_max_files: { type: 'integer', minimum: 1, maximum: 100 },
    ...inheritableSettings,
    history_retention_days: { type: 'number', exclusiveMinimum: 0, maximum: 3650 },
    max_clock_skew_seconds: delaySeconds,
    processes: {
      type: 'object',
      additionalProperties: processSchema,
    },
    filesystems: { type: 'object', additionalProperties: filesystemSchema },
    network: networkSchema,
    notify: notifySchema,
    thermal: thermalSchema,
    metrics: metricsSchema,
    ping_url: nonEmptyString,
    ping_timeout_seconds: { type: 'number', exclusiveMinimum: 0, maximum: 60 },
    ping: pingSchema,
  },
} as const;

/** Keys the schema knows, so unknown keys (usually typos) can be reported as warnings. */
export const KNOWN_TOP_LEVEL_KEYS: ReadonlySet<string> = new Set(Object.keys(configSchema.properties));
export const KNOWN_PROCESS_KEYS: ReadonlySet<string> = new Set(Object.keys(processSchema.properties));
