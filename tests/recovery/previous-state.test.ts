import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readPreviousState, readRecoveryBudget } from '../../src/recovery/previous-state.js';
import type { Store } from '../../src/store/open-store.js';
import { beginRecovery, finishRecovery } from '../../src/store/record-recovery.js';
import { withStore, recoveryStart } from '../helpers/temp-store.js';

describe('readRecoveryBudget on the boot clock', () => {
  const BOOT = '0b8a1f0e-6c1d-4d6e-9c3a-1f2e3d4c5b6a';
  // Three recoveries a minute apart by the boot clock, recorded before NTP stepped the wall
  // clock 6 h forward: by their wall times they are all outside an hour's window.
  const recordBeforeStep = (db: Store): void => {
    for (const [index, uptime] of [1000, 1060, 1120].entries()) {
      const id = beginRecovery(
        db,
        recoveryStart({
          startedAt: `2026-06-30T06:0${index}:00.000000+00:00`,
          bootId: BOOT,
          startedUptimeSeconds: uptime,
        }),
      );
      finishRecovery(db, id, {
        finishedAt: `2026-06-30T06:0${index}:05.000000+00:00`,
        durationMs: 5000,
        outcome: 'failed',
        detail: 'start failed',
        startedPid: null,
        finishedUptimeSeconds: uptime + 5,
      });
    }
  };
  const nowMs = Date.parse('2026-06-30T12:03:00Z');

  it(
    'counts them, and times the backoff from the last failure, by the boot clock of the same boot',
    withStore((db) => {
      recordBeforeStep(db);
      const budget = readRecoveryBudget(db, 'web', {
        nowMs,
        windowSeconds: 3600,
        countedSince: null,
        clock: { bootId: BOOT.toUpperCase(), uptimeSeconds: 1185 },
      });
      assert.deepEqual(budget, { recent: 3, failedInARow: 3, lastFailedMs: nowMs - 60_000 });
    }),
  );

  it(
    'after a reboot, their wall times decide',
    withStore((db) => {
      recordBeforeStep(db);
      const budget = readRecoveryBudget(db, 'web', {
        nowMs,
        windowSeconds: 3600,
        countedSince: null,
        clock: { bootId: 'another-boot', uptimeSeconds: 30 },
      });
      assert.deepEqual(budget, { recent: 0, failedInARow: 3, lastFailedMs: Date.parse('2026-06-30T06:02:05Z') });
    }),
  );
});

describe('readPreviousState', () => {
  const failed = (db: Store, at: string): void => {
    const id = beginRecovery(db, recoveryStart({ startedAt: at }));
    finishRecovery(db, id, {
      finishedAt: at,
      durationMs: 0,
      outcome: 'failed',
      detail: 'start failed',
      startedPid: null,
    });
  };
  const nowMs = Date.parse('2026-06-30T12:10:00Z');

  it(
    'is no state at all for a process never checked',
    withStore((db) => {
      const previous = readPreviousState(db, 'web', { nowMs, windowSeconds: 3600 });
      assert.equal(previous.consecutiveFailures, 0);
      assert.equal(previous.offSince, null);
      assert.deepEqual(previous.budget, { recent: 0, failedInARow: 0, lastFailedMs: undefined });
    }),
  );

  it(
    "reads the row, and with a budget the recoveries since the guard's last reset",
    withStore((db) => {
      failed(db, '2026-06-30T12:01:00.000000+00:00');
      failed(db, '2026-06-30T12:05:00.000000+00:00');
      db.prepare(
        `UPDATE process_state SET consecutive_failures = 4, off_since = '2026-06-30T12:06:00+00:00', off_by = 'alice',
           recoveries_counted_since = '2026-06-30T12:03:00.000000+00:00' WHERE process_key = 'web'`,
      ).run();
      const previous = readPreviousState(db, 'web', { nowMs, windowSeconds: 3600 });
      assert.deepEqual(
        [previous.consecutiveFailures, previous.offSince, previous.offBy],
        [4, '2026-06-30T12:06:00+00:00', 'alice'],
      );
      assert.deepEqual(previous.budget, {
        recent: 1,
        failedInARow: 1,
        lastFailedMs: Date.parse('2026-06-30T12:05:00Z'),
      });
      assert.deepEqual(
        readPreviousState(db, 'web').budget,
        { recent: 0, failedInARow: 0, lastFailedMs: undefined },
        "without a budget, the guard's recoveries are not read",
      );
    }),
  );
});
