import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { foldCheck, isUnchangedCheck } from '../../src/recovery/fold-check.js';
import type { ProcessStateRow } from '../../src/store/read-state.js';
import type { CheckRecord } from '../../src/store/record-checks.js';
import type { HealthVerdict } from '../../src/heartbeat/classify-heartbeat.js';
import { verdictOf } from '../helpers/verdicts.js';

const AT = '2026-06-30T12:01:00.000000+00:00';
const BEFORE = '2026-06-30T12:00:00.000000+00:00';

/** The row a healthy check of `web` (PID 4242, identity start_time) left. */
function rowOf(overrides: Partial<ProcessStateRow> = {}): ProcessStateRow {
  return {
    process_key: 'web',
    consecutive_failures: 0,
    last_check_at: BEFORE,
    last_health: 'healthy',
    last_pid: 4242,
    last_heartbeat_ts: BEFORE,
    last_iteration: 7,
    last_reason: 'heartbeat 1s ago, iteration 7',
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
    last_state_at: BEFORE,
    last_state_source: 'check',
    last_match_count: null,
    subject_kind: 'process',
    ...overrides,
  };
}

/** The record of a healthy check of `web` a minute later: only its time, iteration and age differ. */
function recordOf(
  overrides: Partial<CheckRecord> = {},
  { state = 'healthy', reason = 'heartbeat 2s ago, iteration 8', ...seen }: Partial<HealthVerdict> = {},
): CheckRecord {
  return {
    processKey: 'web',
    checkedAt: AT,
    verdict: verdictOf(state, reason, {
      pid: 4242,
      iteration: 8,
      heartbeatTimestamp: AT,
      heartbeatAgeSeconds: 2,
      status: 'running',
      identity: ['start_time'],
      ...seen,
    }),
    heartbeatState: 'healthy',
    consecutiveFailures: 0,
    actionTaken: null,
    recoveryDueSince: null,
    gaveUpReason: undefined,
    ...overrides,
  };
}

describe('isUnchangedCheck', () => {
  it('folds a healthy check that differs only in its time, iteration, age and reason', () => {
    assert.equal(isUnchangedCheck(rowOf(), recordOf(), 'process'), true);
  });

  const changed: [string, ProcessStateRow | undefined, CheckRecord, 'process' | 'filesystem'][] = [
    ['no row yet: the first check of a key', undefined, recordOf(), 'process'],
    ['a row never checked (made by `off`)', rowOf({ last_check_at: null }), recordOf(), 'process'],
    ['another PID (a restart nobody saw)', rowOf(), recordOf({}, { pid: 4343 }), 'process'],
    ['another identity proven', rowOf(), recordOf({}, { identity: ['start_time', 'user'] }), 'process'],
    ['another heartbeat status', rowOf(), recordOf({}, { status: 'degraded' }), 'process'],
    ['a warning appears', rowOf(), recordOf({}, { warning: 'names another key' }), 'process'],
    ['a failure counted', rowOf(), recordOf({ consecutiveFailures: 1 }, { state: 'timed_out' }), 'process'],
    [
      'healthy again after failures',
      rowOf({ consecutive_failures: 1, last_health: 'timed_out' }),
      recordOf(),
      'process',
    ],
    ['a recovery due', rowOf(), recordOf({ actionTaken: 'recovery_due', recoveryDueSince: AT }), 'process'],
    ['a recovery was due', rowOf({ recovery_due_since: BEFORE }), recordOf(), 'process'],
    ['the guard gives up', rowOf(), recordOf({ gaveUpReason: 'too many' }), 'process'],
    ["a person's command since the last check", rowOf({ last_state_source: 'on' }), recordOf(), 'process'],
    ['the key was the other kind', rowOf({ subject_kind: 'filesystem' }), recordOf(), 'process'],
    ['the kind not yet known', rowOf({ subject_kind: null }), recordOf(), 'process'],
    ['another heartbeat state behind it', rowOf({ last_heartbeat_state: 'starting' }), recordOf(), 'process'],
    ['another match count', rowOf({ last_match_count: 1 }), recordOf({}, { matchCount: 2 }), 'process'],
    ['starting: a grace that ends', rowOf({ last_health: 'starting' }), recordOf({}, { state: 'starting' }), 'process'],
    [
      'off with another reason',
      rowOf({ last_health: 'off', last_reason: 'off by root' }),
      recordOf({}, { state: 'off', reason: 'off by admin' }),
      'process',
    ],
  ];
  for (const [name, row, record, kind] of changed)
    it(`writes at once: ${name}`, () => {
      assert.equal(isUnchangedCheck(row, record, kind), false);
    });

  it('folds an `off` or `gave_up` check whose reason stays the same', () => {
    const off = rowOf({ last_health: 'off', last_reason: 'off by root' });
    assert.equal(isUnchangedCheck(off, recordOf({}, { state: 'off', reason: 'off by root' }), 'process'), true);
    const gaveUp = rowOf({ last_health: 'gave_up', last_reason: 'gave up', consecutive_failures: 4 });
    assert.equal(
      isUnchangedCheck(
        gaveUp,
        recordOf({ consecutiveFailures: 4 }, { state: 'gave_up', reason: 'gave up' }),
        'process',
      ),
      true,
    );
  });
});

describe('foldCheck', () => {
  it('begins a run, then extends it while the row says what the run continued', () => {
    const first = foldCheck(undefined, rowOf(), recordOf());
    assert.deepEqual([first.after, first.first, first.last, first.count, first.iteration], [BEFORE, AT, AT, 1, 8]);
    const later = '2026-06-30T12:02:00.000000+00:00';
    const second = foldCheck(first, rowOf(), recordOf({ checkedAt: later }, { iteration: 9 }));
    assert.deepEqual([second.first, second.last, second.count, second.iteration], [AT, later, 2, 9]);
  });

  it('begins a new run when the row moved on (the run was written, or a command wrote since)', () => {
    const waiting = foldCheck(undefined, rowOf(), recordOf());
    const moved = foldCheck(
      waiting,
      rowOf({ last_check_at: AT }),
      recordOf({ checkedAt: '2026-06-30T12:02:00.000000+00:00' }),
    );
    assert.equal(moved.count, 1);
    assert.equal(moved.after, AT);
  });
});
