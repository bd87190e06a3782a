import type { ProcessConfig } from '../../src/config/types.js';

/**
 * A resolved process config (as `validateConfig` returns it) with every field set: the
 * process `web` in /srv/web, the config's defaults for every setting that has one. Pass
 * the fields a case is about as `overrides`; a test that compares a whole normalised
 * process passes every field that differs, so the comparison still covers each field.
 * Commands are never run by the tests that use it with a fake System.
 *
 * @example processConfig({ key: 'api', enabled: false })
 */
export function processConfig(overrides: Partial<ProcessConfig> = {}): ProcessConfig {
  return {
    key: 'web',
    display_name: 'The web app',
    timeout_seconds: 30,
    heartbeat_path: '/srv/web/heartbeat.json',
    enabled: true,
    commands: { start: '/srv/web/start.sh', clear_db: '/srv/web/clear-db.sh' },
    recovery_actions: ['kill', 'clear_db', 'start'],
    consecutive_failures_threshold: 2,
    kill_timeout: 10,
    cleanup_timeout: 60,
    verify_delay: 2,
    cleanup_args: ['--force'],
    start_grace_seconds: 30,
    cwd: '/srv/web',
    env: {},
    output_log: '/var/log/watchdog/web.out.log',
    output_log_fallback: '/var/log/watchdog/web.out.log',
    user: undefined,
    match: undefined,
    healthy_statuses: ['running'],
    pid_file: undefined,
    max_recoveries: 3,
    recovery_window_seconds: 3600,
    recovery_backoff_seconds: 60,
    wake_on_lan: {},
    max_memory_mb: undefined,
    max_cpu_percent: undefined,
    health: undefined,
    ...overrides,
  };
}

/**
 * A minimal valid process entry as a config file holds it (new format, before
 * normalisation): `Web`, heartbeat /run/web/heartbeat.json, started by /opt/web/start.sh.
 * Pass the keys a case is about as `overrides`; the entry is raw, so any key, valid or not.
 *
 * @example validateConfig({ processes: { web: webProcessEntry({ timeout_seconds: 0 }) } }, path)
 */
export function webProcessEntry(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    display_name: 'Web',
    timeout_seconds: 30,
    heartbeat_path: '/run/web/heartbeat.json',
    enabled: true,
    commands: { start: '/opt/web/start.sh' },
    ...overrides,
  };
}
