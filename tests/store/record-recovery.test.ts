import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionResult } from '../../src/recovery/action-result.js';
import type { Store } from '../../src/store/open-store.js';
import {
  clearOff,
  linkCheckToRecovery,
  noteStarted,
  readStartedInstance,
  setOff,
} from '../../src/store/process-control.js';
import { readHistory, readLastRecoveries, readProcessStates, readRecoveries } from '../../src/store/read-state.js';
import { recordChecks } from '../helpers/record-checks.js';
import {
  beginRecovery,
  finishRecovery,
  markInterruptedRecoveries,
  recordRecoveryAction,
} from '../../src/store/record-recovery.js';
import { verdictOf } from '../helpers/verdicts.js';
import { withStore, recoveryStart } from '../helpers/temp-store.js';

const T0 = '2026-06-30T12:00:00.000000+00:00';
const T1 = '2026-06-30T12:00:05.000000+00:00';
const T2 = '2026-06-30T12:01:00.000000+00:00';

/** Failing checks enough to make a recovery due; returns the last check's history id. */
function dueCheck(db: Store, processKey = 'web'): number {
  recordChecks(db, '2026-06-30T11:59:00.000000+00:00', [{ processKey, verdict: verdictOf('timed_out'), threshold: 2 }]);
  const [due] = recordChecks(db, T0, [{ processKey, verdict: verdictOf('timed_out'), threshold: 2 }]);
  assert.ok(due?.recoveryDue);
  return due.historyId;
}

describe('beginRecovery, recordRecoveryAction, finishRecovery', () => {
  it(
    'records a recovery as running, then its actions as they end, then its outcome',
    withStore((db) => {
      const id = beginRecovery(db, recoveryStart());
      assert.ok(Number.isInteger(id) && id > 0);
      const [running] = readRecoveries(db, { limit: 10 });
      assert.deepEqual(running, {
        id,
        process_key: 'web',
        kind: 'recovery',
        command: 'check',
        requested_by: 'cron',
        trigger_health: 'timed_out',
        trigger_reason: 'last heartbeat 10m ago',
        started_at: T0,
        finished_at: null,
        duration_ms: null,
        outcome: 'running',
        detail: null,
        started_pid: null,
        boot_id: null,
        started_uptime_seconds: null,
        finished_uptime_seconds: null,
        actions: [],
      });

      recordRecoveryAction(
        db,
        id,
        0,
        actionResult({
          action: 'kill',
          outcome: 'ok',
          startedAt: T0,
          durationMs: 1200.6,
          pid: 4000,
          signal: 'SIGTERM',
          detail: 'process group 4000: exited 1.2s after SIGTERM',
        }),
      );
      recordRecoveryAction(
        db,
        id,
        1,
        actionResult({
          action: 'clear_db',
          outcome: 'failed',
          startedAt: T1,
          durationMs: 60_000,
          pid: 5000,
          signal: 'SIGTERM',
          timedOut: true,
          detail: 'timed out after 60s (cleanup_timeout); its process tree was killed',
          outputTail: 'vacuuming...\n',
        }),
      );
      finishRecovery(db, id, {
        finishedAt: T2,
        durationMs: 61_200.4,
        outcome: 'succeeded',
        detail: 'warning: clear_db failed',
        startedPid: 6000,
      });

      const [finished] = readRecoveries(db, { limit: 10 });
      assert.deepEqual(
        [finished?.outcome, finished?.finished_at, finished?.duration_ms, finished?.detail, finished?.started_pid],
        ['succeeded', T2, 61_200, 'warning: clear_db failed', 6000],
      );
      assert.deepEqual(
        finished?.actions.map(({ id: actionId, ...row }) => {
          assert.ok(actionId > 0);
          return row;
        }),
        [
          {
            recovery_id: id,
            position: 0,
            action: 'kill',
            started_at: T0,
            duration_ms: 1201,
            outcome: 'ok',
            pid: 4000,
            exit_code: null,
            signal: 'SIGTERM',
            timed_out: 0,
            detail: 'process group 4000: exited 1.2s after SIGTERM',
            output_tail: null,
          },
          {
            recovery_id: id,
            position: 1,
            action: 'clear_db',
            started_at: T1,
            duration_ms: 60_000,
            outcome: 'failed',
            pid: 5000,
            exit_code: null,
            signal: 'SIGTERM',
            timed_out: 1,
            detail: 'timed out after 60s (cleanup_timeout); its process tree was killed',
            output_tail: 'vacuuming...\n',
          },
        ],
      );
    }),
  );

  it(
    "records an action with no PID as null and never touches another recovery's actions",
    withStore((db) => {
      const first = beginRecovery(db, recoveryStart());
      const second = beginRecovery(db, recoveryStart({ processKey: 'api' }));
      recordRecoveryAction(
        db,
        second,
        0,
        actionResult({
          action: 'kill',
          outcome: 'nothing_to_kill',
          startedAt: T0,
          durationMs: 0,
          detail: 'no PID known',
        }),
      );
      const byId = new Map(readRecoveries(db, { limit: 10 }).map((recovery) => [recovery.id, recovery]));
      assert.deepEqual(byId.get(first)?.actions, []);
      assert.deepEqual(
        byId.get(second)?.actions.map((action) => [action.action, action.outcome, action.pid]),
        [['kill', 'nothing_to_kill', null]],
      );
    }),
  );

  it(
    'sets the last recovery of a process, creating its state row when it was never checked',
    withStore((db) => {
      const first = beginRecovery(db, recoveryStart({ processKey: 'new' }));
      const fresh = readProcessStates(db).get('new');
      assert.deepEqual([fresh?.last_recovery_id, fresh?.consecutive_failures, fresh?.last_health], [first, 0, null]);

      dueCheck(db);
      const second = beginRecovery(db, recoveryStart());
      const checked = readProcessStates(db).get('web');
      assert.deepEqual(
        [checked?.last_recovery_id, checked?.consecutive_failures, checked?.last_health, checked?.recovery_due_since],
        [second, 2, 'timed_out', T0],
        'nothing else of the state changes',
      );
      assert.ok(second > first);
    }),
  );
});

describe('markInterruptedRecoveries', () => {
  it(
    'marks only the recoveries still running as interrupted, once',
    withStore((db) => {
      const done = beginRecovery(db, recoveryStart());
      finishRecovery(db, done, {
        finishedAt: T1,
        durationMs: 5000,
        outcome: 'failed',
        detail: 'start failed',
        startedPid: null,
      });
      const left = beginRecovery(db, recoveryStart({ processKey: 'api' }));
      const alsoLeft = beginRecovery(db, recoveryStart({ processKey: 'db' }));

      assert.equal(markInterruptedRecoveries(db, T2), 2);
      const byId = new Map(readRecoveries(db, { limit: 10 }).map((recovery) => [recovery.id, recovery]));
      for (const id of [left, alsoLeft]) {
        assert.deepEqual(
          [byId.get(id)?.outcome, byId.get(id)?.finished_at, byId.get(id)?.detail],
          ['interrupted', T2, 'the watchdog stopped before this recovery ended (killed, crashed or power cut)'],
        );
      }
      assert.deepEqual(
        [byId.get(done)?.outcome, byId.get(done)?.finished_at, byId.get(done)?.detail],
        ['failed', T1, 'start failed'],
      );
      assert.equal(markInterruptedRecoveries(db, T2), 0);
    }),
  );
});

describe('process control', () => {
  it(
    'turns a process off and on again, keeping what its checks recorded',
    withStore((db) => {
      dueCheck(db);
      setOff(db, 'web', T1, 'alice');
      const off = readProcessStates(db).get('web');
      assert.deepEqual(
        [off?.off_since, off?.off_by, off?.consecutive_failures, off?.recovery_due_since, off?.last_health],
        [T1, 'alice', 0, null, 'timed_out'],
      );

      assert.equal(clearOff(db, 'web'), true);
      const on = readProcessStates(db).get('web');
      assert.deepEqual([on?.off_since, on?.off_by, on?.last_health], [null, null, 'timed_out']);
      assert.equal(clearOff(db, 'web'), false, 'it was not off any more');
    }),
  );

  it(
    'ends the start grace when a process is turned off: the instance it excused is stopped',
    withStore((db) => {
      noteStarted(db, 'web', T0, T2, { pid: 4242, startTicks: 7 });
      assert.equal(readProcessStates(db).get('web')?.grace_until, T2);
      setOff(db, 'web', T1, 'alice');
      assert.equal(readProcessStates(db).get('web')?.grace_until, null);
    }),
  );

  it(
    'turns off a process that was never checked, and clears nothing for one that has no state',
    withStore((db) => {
      assert.equal(clearOff(db, 'ghost'), false);
      assert.equal(readProcessStates(db).has('ghost'), false);
      setOff(db, 'new', T0, 'bob');
      const state = readProcessStates(db).get('new');
      assert.deepEqual([state?.off_since, state?.off_by, state?.consecutive_failures], [T0, 'bob', 0]);
    }),
  );

  it(
    'turning off again records the latest time and user',
    withStore((db) => {
      setOff(db, 'web', T0, 'alice');
      setOff(db, 'web', T2, 'bob');
      const state = readProcessStates(db).get('web');
      assert.deepEqual([state?.off_since, state?.off_by], [T2, 'bob']);
    }),
  );

  it(
    'after a start, resets the failure count and opens the grace period, for a new or a checked process',
    withStore((db) => {
      dueCheck(db);
      noteStarted(db, 'web', T1, T2, { pid: 6000, startTicks: 123456 });
      const started = readProcessStates(db).get('web');
      assert.deepEqual(
        [
          started?.consecutive_failures,
          started?.recovery_due_since,
          started?.started_at,
          started?.grace_until,
          started?.last_health,
        ],
        [0, null, T1, T2, 'timed_out'],
      );
      assert.deepEqual(readStartedInstance(db, 'web'), { pid: 6000, startTicks: 123456 });

      // With the boot clock: the grace is judged on it, and the instance carries its boot.
      noteStarted(db, 'web', T1, T2, { pid: 6001, startTicks: 123457 }, { bootId: 'b00t', uptimeSeconds: 1234.5 });
      const onBoot = readProcessStates(db).get('web');
      assert.deepEqual([onBoot?.started_boot_id, onBoot?.started_uptime_seconds], ['b00t', 1234.5]);
      assert.deepEqual(readStartedInstance(db, 'web'), { pid: 6001, startTicks: 123457, bootId: 'b00t' });

      noteStarted(db, 'new', T1, T2, undefined);
      const fresh = readProcessStates(db).get('new');
      assert.deepEqual([fresh?.consecutive_failures, fresh?.started_at, fresh?.grace_until], [0, T1, T2]);
      assert.equal(
        readStartedInstance(db, 'new'),
        undefined,
        'a start whose instance is not known (it exited at once) remembers none',
      );
      // A later start without a known instance forgets the earlier one: its PID may be anyone's by now.
      noteStarted(db, 'web', T2, T2, undefined);
      assert.equal(readStartedInstance(db, 'web'), undefined);
    }),
  );

  it(
    'links the check that triggered a recovery to it, and only that check',
    withStore((db) => {
      const historyId = dueCheck(db);
      const id = beginRecovery(db, recoveryStart());
      linkCheckToRecovery(db, historyId, id);
      assert.deepEqual(
        readHistory(db, { processKey: 'web', limit: 10 }).map((row) => [row.id, row.action_taken, row.recovery_id]),
        [
          [historyId, 'recovery', id],
          [historyId - 1, null, null],
        ],
      );
    }),
  );
});

describe('readRecoveries and readLastRecoveries', () => {
  it(
    'reads the most recent recoveries first, of one process or of all, each with its actions in order',
    withStore((db) => {
      const ids = ['web', 'api', 'web', 'web'].map((processKey) => beginRecovery(db, recoveryStart({ processKey })));
      const [, , , last = NaN] = ids;
      // Recorded out of order: read back by position.
      for (const position of [2, 0, 1]) {
        recordRecoveryAction(
          db,
          last,
          position,
          actionResult({ action: `step${position}`, outcome: 'ok', startedAt: T0, durationMs: 1, detail: '' }),
        );
      }
      assert.deepEqual(
        readRecoveries(db, { limit: 10 }).map((recovery) => recovery.id),
        [...ids].reverse(),
      );
      assert.deepEqual(
        readRecoveries(db, { processKey: 'web', limit: 2 }).map((recovery) => recovery.id),
        [ids[3], ids[2]],
      );
      assert.deepEqual(readRecoveries(db, { processKey: 'nobody', limit: 10 }), []);
      assert.deepEqual(
        readRecoveries(db, { processKey: 'web', limit: 1 })[0]?.actions.map((action) => [
          action.position,
          action.action,
        ]),
        [
          [0, 'step0'],
          [1, 'step1'],
          [2, 'step2'],
        ],
      );
    }),
  );

  it(
    "reads each process's last recovery, and none for a process that never had one",
    withStore((db) => {
      dueCheck(db, 'quiet');
      beginRecovery(db, recoveryStart({ processKey: 'web' }));
      const lastWeb = beginRecovery(
        db,
        recoveryStart({ processKey: 'web', kind: 'restart', command: 'restart', requestedBy: 'alice' }),
      );
      const lastApi = beginRecovery(db, recoveryStart({ processKey: 'api' }));
      finishRecovery(db, lastApi, {
        finishedAt: T1,
        durationMs: 5000,
        outcome: 'succeeded',
        detail: null,
        startedPid: 6000,
      });

      const last = readLastRecoveries(db);
      assert.deepEqual([...last.keys()].sort(), ['api', 'web']);
      assert.deepEqual(
        [last.get('web')?.id, last.get('web')?.kind, last.get('web')?.requested_by],
        [lastWeb, 'restart', 'alice'],
      );
      assert.deepEqual(
        [last.get('api')?.id, last.get('api')?.outcome, last.get('api')?.started_pid],
        [lastApi, 'succeeded', 6000],
      );
    }),
  );
});
