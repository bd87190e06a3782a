import type { ProcessConfig } from '../config/types.js';

/**
 * What the assessment of a check, its recording and the crash-loop guard need of what was
 * checked: a process or a file system entry (docs/filesystems.md). Both share the audit
 * tables, keyed by `key`, which is unique across `processes` and `filesystems`.
 */
export type CheckedSubject = Pick<
  ProcessConfig,
  | 'key'
  | 'display_name'
  | 'consecutive_failures_threshold'
  | 'max_recoveries'
  | 'recovery_window_seconds'
  | 'recovery_backoff_seconds'
>;

/** Who a recovery's commands run for: the key and name they are told of, the user they run as, the `env` they get. */
export type RecoveredSubject = Pick<ProcessConfig, 'key' | 'display_name' | 'user' | 'env'>;

/** What a custom command of a pipeline takes from what it serves (`commands.<name>`, `cleanup_args`...). */
export type CommandSubject = Pick<
  ProcessConfig,
  'key' | 'commands' | 'cleanup_args' | 'cwd' | 'user' | 'cleanup_timeout' | 'kill_timeout'
>;
