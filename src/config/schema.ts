import { networkSchema } from './network-schema.js';
import { metricsSchema, notifySchema, wakeOnLanSchema } from './notify-schema.js';

/**
 * The JSON Schema of the config file: one schema for the whole format, new and legacy
 * keys alike. Cross-field rules (an action with no command) live in
 * `check-config-rules.ts`, which runs on the normalised config.
 */

const LOG_LEVELS = ['debug', 'info', 'warn', 'warning', 'error', 'critical'];

const nonEmptyString = { type: 'string', minLength: 1 } as const;
const positiveNumber = { type: 'number', exclusiveMinimum: 0 } as const;
/** Seconds a recovery waits for something: positive, and at most a day (timers cannot wait much longer). */
const waitSeconds = { type: 'number', exclusiveMinimum: 0, maximum: 86400 } as const;
const delaySeconds = { type: 'number', minimum: 0, maximum: 86400 } as const;

/** Settings a process inherits from the top level unless it sets its own. */
const inheritableSettings = {
  consecutive_failures_threshold: { type: 'integer', minimum: 1 },
  kill_timeout: waitSeconds,
  cleanup_timeout: waitSeconds,
  verify_delay: delaySeconds,
  cleanup_args: { type: 'array', items: { type: 'string' } },
  max_recoveries: { type: 'integer', minimum: 1 },
  recovery_window_seconds: { type: 'number', exclusiveMinimum: 0, maximum: 30 * 86400 },
  recovery_backoff_seconds: { type: 'number', minimum: 0, maximum: 86400 },
} as const;

export const processSchema = {
  type: 'object',
  required: ['display_name', 'timeout_seconds', 'heartbeat_path', 'enabled'],
  properties: {
    display_name: { type: 'string' },
    timeout_seconds: positiveNumber,
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
    start_grace_seconds: { type: 'number', minimum: 0 },
    cwd: nonEmptyString,
    env: { type: 'object', additionalProperties: { type: 'string' } },
    output_log: nonEmptyString,
    user: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_.-]*\\$?$' },
    match: nonEmptyString,
    wake_on_lan: { type: 'object', additionalProperties: wakeOnLanSchema },
  },
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
    log_dir: nonEmptyString,
    log_max_bytes: { type: 'integer', minimum: 10240 },
    log_max_files: { type: 'integer', minimum: 1 },
    ...inheritableSettings,
    history_retention_days: { type: 'number', exclusiveMinimum: 0 },
    max_clock_skew_seconds: { type: 'number', minimum: 0 },
    processes: {
      type: 'object',
      additionalProperties: processSchema,
    },
    network: networkSchema,
    notify: notifySchema,
    metrics: metricsSchema,
    ping_url: nonEmptyString,
    ping_timeout_seconds: { type: 'number', exclusiveMinimum: 0, maximum: 60 },
  },
} as const;

/** Keys the schema knows, so unknown keys (usually typos) can be reported as warnings. */
export const KNOWN_TOP_LEVEL_KEYS: ReadonlySet<string> = new Set(Object.keys(configSchema.properties));
export const KNOWN_PROCESS_KEYS: ReadonlySet<string> = new Set(Object.keys(processSchema.properties));
