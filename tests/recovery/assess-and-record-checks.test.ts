import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openStore, type Store } from '../../src/store/open-store.js';
import { readHistory, readProcessStates } from '../../src/store/read-state.js';
import { assessAndRecordChecks } from '../../src/recovery/assess-and-record-checks.js';
import { ACTION_RECOVERY_DUE } from '../../src/store/record-checks.js';
import { recordChecks } from '../helpers/record-checks.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { verdictOf } from '../helpers/verdicts.js';

function freshStore(): Store {
  const db = openStore(join(makeTempDir(), 'watchdog.db'));
  return db;
}

describe('assessAndRecordChecks', () => {
  it('counts consecutive failures across ticks, marks recovery due at the threshold, and resets on a healthy check', () => {
    const db = freshStore();
    try {
      const tick = (at: string, state: Parameters<typeof verdictOf>[0]) => {
        const recorded = recordChecks(db, at, [{ processKey: 'web', verdict: verdictOf(state), threshold: 2 }])[0];
        return (
          recorded && {
            processKey: recorded.processKey,
            consecutiveFailures: recorded.consecutiveFailures,
            recoveryDue: recorded.recoveryDue,
          }
        );
      };

      assert.deepEqual(tick('2026-01-01T00:00:00.000000+00:00', 'timed_out'), {
        processKey: 'web',
        consecutiveFailures: 1,
        recoveryDue: false,
      });
      assert.deepEqual(tick('2026-01-01T00:01:00.000000+00:00', 'stale_pid'), {
        processKey: 'web',
        consecutiveFailures: 2,
        recoveryDue: true,
      });
      assert.deepEqual(tick('2026-01-01T00:02:00.000000+00:00', 'no_heartbeat'), {
        processKey: 'web',
        consecutiveFailures: 3,
        recoveryDue: true,
      });

      const due = readProcessStates(db).get('web');
      assert.equal(
        due?.recovery_due_since,
        '2026-01-01T00:01:00.000000+00:00',
        'the first tick at the threshold is kept',
      );

      assert.deepEqual(tick('2026-01-01T00:03:00.000000+00:00', 'healthy'), {
        processKey: 'web',
        consecutiveFailures: 0,
        recoveryDue: false,
      });
      const healed = readProcessStates(db).get('web');
      assert.equal(healed?.consecutive_failures, 0);
      assert.equal(healed?.recovery_due_since, null);

      const history = readHistory(db, { processKey: 'web', limit: 10 });
      assert.deepEqual(
        history.map((row) => [row.health, row.consecutive_failures, row.action_taken]),
        [
          ['healthy', 0, null],
          ['no_heartbeat', 3, ACTION_RECOVERY_DUE],
          ['stale_pid', 2, ACTION_RECOVERY_DUE],
          ['timed_out', 1, null],
        ],
      );
    } finally {
      db.close();
    }
  });

  it('stores the reason, heartbeat age, status, iteration, pid and warning in history and state', () => {
    const db = freshStore();
    try {
      const verdict = verdictOf('healthy', 'heartbeat 3s ago, iteration 42', {
        pid: 4321,
        heartbeatTimestamp: '2026-01-01T00:00:00.000000+00:00',
        heartbeatAgeSeconds: 3.25,
        iteration: 42,
        status: 'running',
        warning: 'heartbeat names process_key "other"',
      });
      recordChecks(db, '2026-01-01T00:00:03.250000+00:00', [{ processKey: 'web', verdict, threshold: 2 }]);
      const [row] = readHistory(db, { limit: 1 });
      assert.equal(row?.reason, 'heartbeat 3s ago, iteration 42');
      assert.equal(row?.pid, 4321);
      assert.equal(row?.heartbeat_ts, '2026-01-01T00:00:00.000000+00:00');
      assert.equal(row?.heartbeat_age_seconds, 3.25);
      assert.equal(row?.heartbeat_status, 'running');
      assert.equal(row?.iteration, 42);
      assert.equal(row?.warning, 'heartbeat names process_key "other"');
      const state = readProcessStates(db).get('web');
      assert.equal(state?.last_reason, 'heartbeat 3s ago, iteration 42');
      assert.equal(state?.last_iteration, 42);
      assert.equal(state?.last_check_at, '2026-01-01T00:00:03.250000+00:00');
    } finally {
      db.close();
    }
  });

  it('keeps processes apart and writes every check of a tick', () => {
    const db = freshStore();
    try {
      const results = recordChecks(db, '2026-01-01T00:00:00.000000+00:00', [
        { processKey: 'a', verdict: verdictOf('timed_out'), threshold: 1 },
        { processKey: 'b', verdict: verdictOf('healthy'), threshold: 1 },
        { processKey: 'c', verdict: verdictOf('invalid_heartbeat'), threshold: 3 },
      ]);
      assert.deepEqual(
        results.map((result) => [result.processKey, result.consecutiveFailures, result.recoveryDue]),
        [
          ['a', 1, true],
          ['b', 0, false],
          ['c', 1, false],
        ],
      );
      assert.equal(readHistory(db, { limit: 10 }).length, 3);
      assert.equal(readHistory(db, { processKey: 'c', limit: 10 }).length, 1);
    } finally {
      db.close();
    }
  });

  it('writes nothing when a check of the tick cannot be written (one transaction per tick)', () => {
    const db = freshStore();
    try {
      db.exec(
        "CREATE TRIGGER refuse_c BEFORE INSERT ON check_history WHEN NEW.process_key = 'c' BEGIN SELECT RAISE(ABORT, 'refused'); END",
      );
      assert.throws(
        () =>
          recordChecks(db, '2026-01-01T00:00:00.000000+00:00', [
            { processKey: 'a', verdict: verdictOf('timed_out'), threshold: 2 },
            { processKey: 'c', verdict: verdictOf('timed_out'), threshold: 2 },
          ]),
        /refused/,
      );
      assert.equal(readHistory(db, { limit: 10 }).length, 0);
      assert.equal(readProcessStates(db).size, 0);
    } finally {
      db.close();
    }
  });

  it('records a process turned off as off, never due, and one in its start grace as starting, not counted', () => {
    const db = freshStore();
    try {
      const record = (at: string, processKey: string, state: Parameters<typeof verdictOf>[0]) =>
        recordChecks(db, at, [{ processKey, verdict: verdictOf(state, `${state} reason`), threshold: 1 }])[0];
      db.prepare(
        "INSERT INTO process_state (process_key, off_since, off_by) VALUES ('paused', '2026-01-01T00:00:00+00:00', 'alice')",
      ).run();
      db.prepare(
        "INSERT INTO process_state (process_key, consecutive_failures, started_at, grace_until) VALUES ('fresh', 0, '2026-01-01T00:00:00+00:00', '2026-01-01T00:01:00+00:00')",
      ).run();

      const off = record('2026-01-01T00:00:30.000000+00:00', 'paused', 'no_heartbeat');
      assert.equal(off?.verdict.state, 'off');
      assert.equal(off?.checked.state, 'no_heartbeat');
      assert.equal(off?.recoveryDue, false);
      assert.match(
        off?.verdict.reason ?? '',
        /^turned off by alice at 2026-01-01T00:00:00\+00:00; heartbeat: no_heartbeat/,
      );

      const starting = record('2026-01-01T00:00:30.000000+00:00', 'fresh', 'no_heartbeat');
      assert.equal(starting?.verdict.state, 'starting');
      assert.equal(starting?.consecutiveFailures, 0);
      assert.equal(starting?.recoveryDue, false);
      const late = record('2026-01-01T00:01:30.000000+00:00', 'fresh', 'no_heartbeat');
      assert.equal(late?.verdict.state, 'no_heartbeat', 'after the grace period a missing heartbeat counts again');
      assert.equal(late?.recoveryDue, true);

      assert.deepEqual(
        readHistory(db, { limit: 10 }).map((row) => [row.process_key, row.health, row.consecutive_failures]),
        [
          ['fresh', 'no_heartbeat', 1],
          ['fresh', 'starting', 0],
          ['paused', 'off', 0],
        ],
      );
    } finally {
      db.close();
    }
  });
});

describe('assessAndRecordChecks, a key moved between processes and file systems', () => {
  const entry = (threshold: number) => ({
    key: 'data',
    consecutive_failures_threshold: threshold,
    max_recoveries: 1,
    recovery_window_seconds: 3600,
    recovery_backoff_seconds: 0,
  });
  const T0 = '2026-01-01T00:00:00.000000+00:00';
  const T1 = '2026-01-01T00:01:00.000000+00:00';

  it("starts the other kind's state afresh: not off, no give-up, no failures, no budget spent; an audit event says so", () => {
    const db = freshStore();
    try {
      // A process `data`: 3 failures, a recovery spent, given up on, turned off.
      assessAndRecordChecks(db, T0, [{ process: entry(9), verdict: verdictOf('timed_out') }]);
      db.prepare(
        `UPDATE process_state SET consecutive_failures = 3, gave_up_at = ?, gave_up_reason = 'crash loop', off_since = ?, off_by = 'alice'
         WHERE process_key = 'data'`,
      ).run(T0, T0);
      db.prepare(
        `INSERT INTO recoveries (process_key, kind, command, requested_by, started_at, finished_at, outcome) VALUES ('data', 'recovery', 'check', 'cron', ?, ?, 'failed')`,
      ).run(T0, T0);
      const [fs] = assessAndRecordChecks(db, T1, [
        { process: entry(1), verdict: verdictOf('low_space'), kind: 'filesystem' },
      ]);
      assert.deepEqual(
        [fs?.verdict.state, fs?.consecutiveFailures, fs?.recoveryDue, fs?.guard],
        ['low_space', 1, true, undefined],
      );
      const state = readProcessStates(db).get('data');
      assert.deepEqual([state?.off_since, state?.gave_up_at, state?.subject_kind], [null, null, 'filesystem']);
      const events = db.prepare('SELECT kind, process_key, detail FROM audit_events').all();
      assert.deepEqual(events, [
        {
          kind: 'subject_changed',
          process_key: 'data',
          detail:
            'data was a process, now a file system entry: its state starts afresh (off, give-up, failures, recoveries)',
        },
      ]);
      // The next check of the same kind carries on.
      const [again] = assessAndRecordChecks(db, T1, [
        { process: entry(9), verdict: verdictOf('low_space'), kind: 'filesystem' },
      ]);
      assert.equal(again?.consecutiveFailures, 2);
      assert.equal((db.prepare('SELECT COUNT(*) AS n FROM audit_events').get() as { n: number }).n, 1);
    } finally {
      db.close();
    }
  });

  it('a state no check has said the kind of (a row `off` made) is taken as it is', () => {
    const db = freshStore();
    try {
      db.prepare(`INSERT INTO process_state (process_key, off_since, off_by) VALUES ('data', ?, 'alice')`).run(T0);
      const [fs] = assessAndRecordChecks(db, T1, [
        { process: entry(1), verdict: verdictOf('low_space'), kind: 'filesystem' },
      ]);
      assert.equal(fs?.verdict.state, 'off');
      assert.equal(readProcessStates(db).get('data')?.subject_kind, 'filesystem');
      assert.equal((db.prepare('SELECT COUNT(*) AS n FROM audit_events').get() as { n: number }).n, 0);
    } finally {
      db.close();
    }
  });
});
