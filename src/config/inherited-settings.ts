import { resolve } from 'node:path';
import { CONFIG_DEFAULTS } from './defaults.js';
import type { RawConfig } from './types.js';

/** What a process takes from the top level unless it says otherwise. */
export interface InheritedSettings {
  /** Absolute: relative paths resolve against it; commands run in it by default. */
  configDir: string;
  /** Absolute; the default home of the app output logs. */
  logDir: string;
  consecutive_failures_threshold: number;
  kill_timeout: number;
  cleanup_timeout: number;
  verify_delay: number;
  cleanup_args: string[];
  max_recoveries: number;
  recovery_window_seconds: number;
  recovery_backoff_seconds: number;
}

/** The top-level settings processes inherit, defaults applied. */
export function inheritedSettingsOf(raw: Omit<RawConfig, 'processes'>, configDir: string): InheritedSettings {
  return {
    configDir: resolve(configDir),
    logDir: resolve(configDir, raw.log_dir ?? CONFIG_DEFAULTS.log_dir),
    consecutive_failures_threshold:
      raw.consecutive_failures_threshold ?? CONFIG_DEFAULTS.consecutive_failures_threshold,
    kill_timeout: raw.kill_timeout ?? CONFIG_DEFAULTS.kill_timeout,
    cleanup_timeout: raw.cleanup_timeout ?? CONFIG_DEFAULTS.cleanup_timeout,
    verify_delay: raw.verify_delay ?? CONFIG_DEFAULTS.verify_delay,
    cleanup_args: raw.cleanup_args ?? [...CONFIG_DEFAULTS.cleanup_args],
    max_recoveries: raw.max_recoveries ?? CONFIG_DEFAULTS.max_recoveries,
    recovery_window_seconds: raw.recovery_window_seconds ?? CONFIG_DEFAULTS.recovery_window_seconds,
    recovery_backoff_seconds: raw.recovery_backoff_seconds ?? CONFIG_DEFAULTS.recovery_backoff_seconds,
  };
}
