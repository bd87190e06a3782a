import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openStore } from '../../src/store/open-store.js';
import { recordRefusal } from '../../src/store/record-refusal.js';
import { beginRecovery, finishRecovery } from '../../src/store/record-recovery.js';
import { onCleanup } from '../helpers/cleanup.js';
import { makeTempDir } from '../helpers/temp-dir.js';

function freshStore() {
  const db = openStore(join(makeTempDir(), 'state', 'watchdog.db'));
  onCleanup(() => db.close());
  return db;
}

const start = (minute: number) => ({
  processKey: 'app',
  kind: 'recovery' as const,
  command: 'check',
  requestedBy: 'cron',
  triggerHealth: 'invalid_heartbeat',
  triggerReason: 'status is not a string',
  startedAt: `2026-06-30T12:${String(minute).padStart(2, '0')}:00.000Z`,
});

const rows = (db: ReturnType<typeof freshStore>) =>
  db
    .prepare<[], { id: number; started_at: string; finished_at: string; outcome: string; detail: string }>(
      'SELECT id, started_at, finished_at, outcome, detail FROM recoveries ORDER BY id',
    )
    .all();

describe('recordRefusal', () => {
  it('keeps one row for a run of identical refusals, counting them, from the first to the last', () => {
    const db = freshStore();
    const results = [0, 1, 2].map((minute) => recordRefusal(db, start(minute), 'it may be the app'));
    assert.deepEqual(
      results.map((result) => result.times),
      [1, 2, 3],
    );
    assert.deepEqual(
      rows(db).map((row) => [row.started_at, row.finished_at, row.outcome, row.detail]),
      [
        [
          '2026-06-30T12:00:00.000Z',
          '2026-06-30T12:02:00.000Z',
          'skipped',
          'it may be the app (refused 3 times in a row, the last at 2026-06-30T12:02:00.000Z)',
        ],
      ],
    );
  });

  const cases: [
    name: string,
    between: (db: ReturnType<typeof freshStore>) => void,
    secondWhy: string,
    rowsAfter: number,
  ][] = [
    ['another reason: a new row', () => undefined, 'another reason', 2],
    [
      'a recovery that ran in between: a new row',
      (db) => {
        const id = beginRecovery(db, start(1));
        finishRecovery(db, id, {
          finishedAt: start(1).startedAt,
          durationMs: 5,
          outcome: 'failed',
          detail: 'kill failed',
          startedPid: null,
        });
      },
      'it may be the app',
      3,
    ],
    ['the same reason, nothing in between: the same row', () => undefined, 'it may be the app', 1],
  ];
  for (const [name, between, secondWhy, rowsAfter] of cases) {
    it(name, () => {
      const db = freshStore();
      recordRefusal(db, start(0), 'it may be the app');
      between(db);
      const second = recordRefusal(db, start(2), secondWhy);
      assert.equal(rows(db).length, rowsAfter);
      assert.equal(second.times, rowsAfter === 1 ? 2 : 1);
    });
  }
});
