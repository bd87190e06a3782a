import type { ProcessStatus } from '../../src/status/build-status.js';

/**
 * One process's status, as `status` builds it, with every field set: `web`, healthy,
 * checked at 11:59:35 on 2026-06-30 with a heartbeat 2 s old from PID 4321 (iteration 5).
 * Pass the fields a case is about as `overrides`. The expected lines of
 * tests/cli/format/format-status.test.ts are written against these values, so a changed
 * default fails them rather than passing unnoticed.
 *
 * @example processStatus({ key: 'api', state: 'timed_out', consecutive_failures: 2 })
 */
export function processStatus(overrides: Partial<ProcessStatus> = {}): ProcessStatus {
  return {
    key: 'web',
    display_name: 'Web',
    enabled: true,
    state: 'healthy',
    reason: 'heartbeat 2s ago, iteration 5',
    consecutive_failures: 0,
    threshold: 2,
    recovery_due: false,
    recovery_due_since: null,
    heartbeat_age_seconds: 2,
    heartbeat_timestamp: '2026-06-30T11:59:33.000000+00:00',
    heartbeat_status: 'running',
    pid: 4321,
    iteration: 5,
    last_check_at: '2026-06-30T11:59:35.000000+00:00',
    warning: null,
    off_since: null,
    off_by: null,
    started_at: null,
    grace_until: null,
    last_recovery: null,
    output_log: '/var/log/watchdog/web.out.log',
    identity: null,
    gave_up_at: null,
    gave_up_reason: null,
    incident_id: null,
    incident_opened_at: null,
    state_source: 'check',
    state_at: '2026-06-30T11:59:35.000000+00:00',
    heartbeat_state: 'healthy',
    heartbeat_pid: 4321,
    started_pid: null,
    memory_bytes: null,
    cpu_percent: null,
    usage_descendants: null,
    matches: null,
    ...overrides,
  };
}
