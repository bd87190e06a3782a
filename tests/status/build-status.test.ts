import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { validateConfig } from '../../src/config/validate-config.js';
import { buildStatus } from '../../src/status/build-status.js';
import type { ProcessStateRow } from '../../src/store/read-state.js';
import { webProcessEntry } from '../helpers/process-config.js';

const CHECKED_AT = '2026-06-30T12:00:00.000000+00:00';

function configWith(entry: Record<string, unknown>) {
  const { config, errors } = validateConfig(
    { processes: { web: webProcessEntry(entry) } },
    join('/srv', 'config.json'),
    (name) => (name === 'root' ? { name, uid: 0, gid: 0, home: '/root' } : undefined),
    {},
  );
  assert.deepEqual(errors, []);
  assert.ok(config !== undefined);
  return config;
}

/** web's state after a healthy check whose heartbeat proved PID 42, with what the check measured. */
function row(fields: Partial<ProcessStateRow> = {}): ProcessStateRow {
  return {
    process_key: 'web',
    consecutive_failures: 0,
    last_check_at: CHECKED_AT,
    last_health: 'healthy',
    last_pid: 42,
    last_heartbeat_ts: CHECKED_AT,
    last_iteration: 1,
    last_reason: 'heartbeat 1s ago',
    last_heartbeat_age_seconds: 1,
    last_heartbeat_status: 'running',
    last_warning: null,
    recovery_due_since: null,
    off_since: null,
    off_by: null,
    started_at: null,
    grace_until: null,
    started_pid: null,
    started_pid_start_ticks: null,
    started_boot_id: null,
    started_uptime_seconds: null,
    last_recovery_id: null,
    last_identity: 'start_time',
    gave_up_at: null,
    gave_up_reason: null,
    recoveries_counted_since: null,
    last_heartbeat_state: 'healthy',
    last_state_at: CHECKED_AT,
    last_state_source: 'check',
    last_memory_bytes: 5_000_000,
    last_cpu_percent: 12.5,
    last_usage_descendants: 2,
    ...fields,
  };
}

const usageOf = (config: ReturnType<typeof configWith>, state: ProcessStateRow) => {
  const [status] = buildStatus(config, new Map([['web', state]]));
  return [status?.memory_bytes, status?.cpu_percent, status?.usage_descendants];
};

describe('buildStatus, what the app used', () => {
  it('shows the last check’s figures of a process with a limit', () => {
    assert.deepEqual(usageOf(configWith({ max_memory_mb: 100 }), row()), [5_000_000, 12.5, 2]);
  });

  it('shows memory with no CPU rate yet', () => {
    assert.deepEqual(usageOf(configWith({ max_cpu_percent: 80 }), row({ last_cpu_percent: null })), [
      5_000_000,
      null,
      2,
    ]);
  });

  it('shows none for a process without limits (figures left from when it had some say nothing now)', () => {
    assert.deepEqual(usageOf(configWith({}), row()), [null, null, null]);
  });

  it('shows none once no app PID is known (a dead PID the heartbeat names is no app)', () => {
    assert.deepEqual(
      usageOf(configWith({ max_memory_mb: 100 }), row({ last_health: 'stale_pid', last_heartbeat_state: 'stale_pid' })),
      [null, null, null],
    );
  });
});

describe('buildStatus, what matched', () => {
  const byMatch = { heartbeat_path: undefined, timeout_seconds: undefined, match: 'mosquitto', user: 'root' };

  it('shows how many processes matched an app found by match alone', () => {
    const [status] = buildStatus(configWith(byMatch), new Map([['web', row({ last_match_count: 2 })]]));
    assert.equal(status?.matches, 2);
  });

  it('shows 0 for one found not_running, and null before its first check', () => {
    const [notRunning] = buildStatus(
      configWith(byMatch),
      new Map([['web', row({ last_health: 'not_running', last_pid: null, last_match_count: 0 })]]),
    );
    assert.equal(notRunning?.matches, 0);
    assert.equal(buildStatus(configWith(byMatch), new Map())[0]?.matches, null);
  });

  it('shows none for a heartbeat app, whose match checks only its PID', () => {
    const [status] = buildStatus(configWith({ match: 'node' }), new Map([['web', row({ last_match_count: 3 })]]));
    assert.equal(status?.matches, null);
  });
});
