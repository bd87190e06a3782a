import type { FilesystemConfig } from '../../src/config/types.js';

/**
 * A resolved file system entry with test defaults: `/var/log` below 50 MiB free fails, and
 * a recovery runs `clean_logs` then `compress` (no arguments appended).
 *
 * @example filesystemConfig({ key: 'data', min_free_percent: 10 })
 */
export function filesystemConfig(overrides: Partial<FilesystemConfig> = {}): FilesystemConfig {
  return {
    key: 'logs',
    display_name: 'Log folder',
    path: '/var/log',
    enabled: true,
    min_free_mb: 50,
    min_free_percent: undefined,
    fail_if_read_only: undefined,
    commands: { clean_logs: './clean-logs.sh', compress: './compress.sh' },
    recovery_actions: ['clean_logs', 'compress'],
    consecutive_failures_threshold: 2,
    kill_timeout: 10,
    cleanup_timeout: 60,
    cleanup_args: [],
    max_recoveries: 3,
    recovery_window_seconds: 3600,
    recovery_backoff_seconds: 0,
    cwd: '/srv/watchdog',
    env: { LOG_ROOT: '/var/log' },
    user: undefined,
    ...overrides,
  };
}
