import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { actionResult } from '../../src/recovery/action-result.js';
import { openStore } from '../../src/store/open-store.js';
import { readRecoveries } from '../../src/store/read-state.js';
import {
  beginRecovery,
  finishRecovery,
  recordRecoveryAction,
  type RecoveryOutcome,
} from '../../src/store/record-recovery.js';
import { applyRetention } from '../../src/store/retention.js';
import { formatUtcTimestamp } from '../../src/time/format-utc-timestamp.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.parse('2026-06-30T12:00:00Z');

describe('applyRetention and recoveries', () => {
  it('deletes finished recoveries older than the retention with their actions, keeps running and recent ones', () => {
    const db = openStore(join(makeTempDir(), 'watchdog.db'));
    try {
      const recovery = (daysAgo: number, outcome: RecoveryOutcome): number => {
        const at = formatUtcTimestamp(new Date(NOW - daysAgo * DAY));
        const id = beginRecovery(db, {
          processKey: 'web',
          kind: 'recovery',
          command: 'check',
          requestedBy: 'cron',
          triggerHealth: 'timed_out',
          triggerReason: `${daysAgo} days ago, ${outcome}`,
          startedAt: at,
        });
        for (const position of [0, 1]) {
          recordRecoveryAction(
            db,
            id,
            position,
            actionResult({
              action: position === 0 ? 'kill' : 'start',
              outcome: 'ok',
              startedAt: at,
              durationMs: 10,
              detail: '',
            }),
          );
        }
        if (outcome === 'interrupted')
          db.prepare("UPDATE recoveries SET outcome = 'interrupted', finished_at = started_at WHERE id = ?").run(id);
        else if (outcome !== 'running')
          finishRecovery(db, id, { finishedAt: at, durationMs: 10, outcome, detail: null, startedPid: null });
        return id;
      };
      const oldSucceeded = recovery(40, 'succeeded');
      const oldFailed = recovery(35, 'failed');
      const oldInterrupted = recovery(33, 'interrupted');
      const oldSkipped = recovery(32, 'skipped');
      const oldRunning = recovery(31, 'running');
      const recentFailed = recovery(29, 'failed');
      const recentRunning = recovery(0, 'running');

      assert.deepEqual(applyRetention(db, NOW, 30, formatUtcTimestamp), {
        ran: true,
        deletedRows: 0,
        deletedRecoveries: 4,
        deletedNetworkEvents: 0,
        deletedNotifications: 0,
      });

      const kept = readRecoveries(db, { limit: 100 });
      assert.deepEqual(
        kept.map((row) => row.id),
        [recentRunning, recentFailed, oldRunning],
      );
      for (const row of kept) assert.equal(row.actions.length, 2, `recovery ${row.id} keeps its actions`);

      const orphans = db
        .prepare<[], { id: number }>(
          'SELECT id FROM recovery_actions WHERE recovery_id NOT IN (SELECT id FROM recoveries)',
        )
        .all();
      assert.deepEqual(orphans, [], 'no action outlives its recovery');
      const deleted = [oldSucceeded, oldFailed, oldInterrupted, oldSkipped];
      const left = db
        .prepare<number[], { n: number }>(
          `SELECT COUNT(*) AS n FROM recovery_actions WHERE recovery_id IN (${deleted.map(() => '?').join(',')})`,
        )
        .get(...deleted);
      assert.equal(left?.n, 0);
    } finally {
      db.close();
    }
  });
});
