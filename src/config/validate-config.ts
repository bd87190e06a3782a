import type { ValidateFunction } from 'ajv';
import { schemaValidator } from './schema-validator.js';
import { checkCrossProcessRules, checkProcessRules, findUnknownKeys } from './check-config-rules.js';
import { checkMetricsRules } from './check-metrics-rules.js';
import { checkFilesystemRules } from './check-filesystem-rules.js';
import { checkNetworkRules } from '../network/config/check-network-rules.js';
import { checkNotifyRules } from '../notify/config/check-notify-rules.js';
import { checkThermalRules } from '../thermal/config/check-thermal-rules.js';
import { formatSchemaErrors } from './format-schema-errors.js';
import { isPlainObject } from '../json/json-shape.js';
import { normalizeConfig } from './normalize-config.js';
import type { RawConfig, WatchdogConfig } from './types.js';
import { passwdLookup, type LookupUser } from '../system/lookup-user.js';

export interface ConfigValidation {
  /** The resolved config; only when there are no errors. */
  config: WatchdogConfig | undefined;
  /** Every problem, one `path: message` line each. */
  errors: string[];
  /** Things that load but look wrong (unknown keys, ignored legacy keys). */
  warnings: string[];
}

let compiled: ValidateFunction | undefined;

/**
 * Validates parsed config data and resolves it. Pure apart from compiling the schema
 * once and looking up the users processes run as: reports every problem at once,
 * schema and cross-field alike. `env` is where the `${NAME}` references of `notify` and
 * `ping_url` are looked for, to warn of those not set (default the watchdog's own).
 *
 * @example
 * const { config, errors } = validateConfig(JSON.parse(text), '/etc/watchdog/config.json');
 * if (config === undefined) for (const line of errors) console.error(line);
 */
export function validateConfig(
  data: unknown,
  configPath: string,
  lookupUser: LookupUser = passwdLookup(),
  env: NodeJS.ProcessEnv = process.env,
): ConfigValidation {
  compiled ??= schemaValidator();
  const validate = compiled;
  const schemaOk = validate(data);
  const errors = schemaOk ? [] : formatSchemaErrors(validate.errors ?? [], data);
  const warnings: string[] = [];

  if (isPlainObject(data)) {
    warnings.push(...findUnknownKeys(data));
    if (isPlainObject(data.processes)) {
      for (const [key, process] of Object.entries(data.processes)) {
        if (!isPlainObject(process)) continue;
        const findings = checkProcessRules(key, process, lookupUser);
        errors.push(...findings.errors);
        warnings.push(...findings.warnings);
      }
    }
    errors.push(...checkFilesystemRules(data, lookupUser));
    if (isPlainObject(data.network)) errors.push(...checkNetworkRules(data.network));
    if (isPlainObject(data.thermal)) errors.push(...checkThermalRules(data.thermal));
    const notify = checkNotifyRules(data, env);
    errors.push(...notify.errors);
    warnings.push(...notify.warnings);
    errors.push(...checkMetricsRules(data));
  }
  if (errors.length > 0) return { config: undefined, errors, warnings };

  const config = normalizeConfig(data as RawConfig, configPath, lookupUser);
  warnings.push(...checkCrossProcessRules(config.processes).warnings);
  return { config, errors, warnings };
}
