import { resolve } from 'node:path';
import { passwdLookup, type LookupUser } from '../system/lookup-user.js';
import { commandsOf } from './commands-of.js';
import type { InheritedSettings } from './inherited-settings.js';
import type { FilesystemConfig, RawFilesystemConfig } from './types.js';

/**
 * One `filesystems` entry with its defaults: the top-level settings a process inherits
 * (threshold, crash-loop guard, its commands' timeouts) inherited alike, but not
 * `cleanup_args` (none unless the entry sets them), paths resolved against the config
 * file's folder. Expects input that passed the rules.
 */
export function normalizeFilesystem(
  key: string,
  raw: RawFilesystemConfig,
  inherited: InheritedSettings,
  lookupUser: LookupUser = passwdLookup(),
): FilesystemConfig {
  const { configDir } = inherited;
  return {
    key,
    display_name: raw.display_name ?? key,
    path: resolve(configDir, raw.path),
    enabled: raw.enabled ?? true,
    min_free_mb: raw.min_free_mb,
    min_free_percent: raw.min_free_percent,
    fail_if_read_only: raw.fail_if_read_only,
    commands: commandsOf(raw),
    recovery_actions: [...(raw.recovery_actions ?? [])],
    consecutive_failures_threshold: raw.consecutive_failures_threshold ?? inherited.consecutive_failures_threshold,
    kill_timeout: raw.kill_timeout ?? inherited.kill_timeout,
    cleanup_timeout: raw.cleanup_timeout ?? inherited.cleanup_timeout,
    // Not inherited: a cleanup is a plain `find` or `rm`, which the processes' `--force` would break.
    cleanup_args: [...(raw.cleanup_args ?? [])],
    max_recoveries: raw.max_recoveries ?? inherited.max_recoveries,
    recovery_window_seconds: raw.recovery_window_seconds ?? inherited.recovery_window_seconds,
    recovery_backoff_seconds: raw.recovery_backoff_seconds ?? inherited.recovery_backoff_seconds,
    cwd: raw.cwd === undefined ? configDir : resolve(configDir, raw.cwd),
    env: { ...raw.env },
    user: raw.user === undefined ? undefined : lookupUser(raw.user),
  };
}
