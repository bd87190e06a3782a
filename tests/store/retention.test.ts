import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readFilesystemFigures, recordFilesystemFigures } from '../../src/filesystems/filesystem-rows.js';
import { openStore } from '../../src/store/open-store.js';
import { readHistory } from '../../src/store/read-state.js';
import { recordChecks } from '../helpers/record-checks.js';
import { applyRetention } from '../../src/store/retention.js';
import { formatUtcTimestamp } from '../../src/time/format-utc-timestamp.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { verdictOf } from '../helpers/verdicts.js';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.parse('2026-06-30T12:00:00Z');

describe('applyRetention', () => {
  it('deletes history older than the retention, at most once an hour', () => {
    const db = openStore(join(makeTempDir(), 'watchdog.db'));
    try {
      for (const daysAgo of [40, 31, 29, 1]) {
        recordChecks(db, formatUtcTimestamp(new Date(NOW - daysAgo * DAY)), [
          { processKey: 'web', verdict: verdictOf('healthy'), threshold: 2 },
        ]);
      }
      assert.deepEqual(applyRetention(db, NOW, 30, formatUtcTimestamp), {
        ran: true,
        deletedRows: 2,
        deletedRecoveries: 0,
        deletedNetworkEvents: 0,
        deletedNotifications: 0,
      });
      assert.deepEqual(
        readHistory(db, { limit: 10 }).map((row) => row.checked_at),
        [formatUtcTimestamp(new Date(NOW - DAY)), formatUtcTimestamp(new Date(NOW - 29 * DAY))],
      );

      recordChecks(db, formatUtcTimestamp(new Date(NOW - 35 * DAY)), [
        { processKey: 'web', verdict: verdictOf('healthy'), threshold: 2 },
      ]);
      assert.deepEqual(applyRetention(db, NOW + 30 * 60 * 1000, 30, formatUtcTimestamp), {
        ran: false,
        deletedRows: 0,
        deletedRecoveries: 0,
        deletedNetworkEvents: 0,
        deletedNotifications: 0,
      });
      assert.deepEqual(applyRetention(db, NOW + 61 * 60 * 1000, 30, formatUtcTimestamp), {
        ran: true,
        deletedRows: 1,
        deletedRecoveries: 0,
        deletedNetworkEvents: 0,
        deletedNotifications: 0,
      });
    } finally {
      db.close();
    }
  });

  it('runs again at once when the clock was set back past its last run', () => {
    const db = openStore(join(makeTempDir(), 'watchdog.db'));
    try {
      assert.equal(applyRetention(db, NOW, 30, formatUtcTimestamp).ran, true);
      assert.equal(applyRetention(db, NOW - DAY, 30, formatUtcTimestamp).ran, true);
    } finally {
      db.close();
    }
  });

  it('keeps everything, rather than failing at every tick, for a retention beyond the dates a timestamp can hold', () => {
    // The config refuses more than 3650 days; a billion once made every tick fail with `Invalid time value` (issue 19).
    const db = openStore(join(makeTempDir(), 'watchdog.db'));
    try {
      recordChecks(db, formatUtcTimestamp(new Date(NOW - 40 * DAY)), [
        { processKey: 'web', verdict: verdictOf('healthy'), threshold: 2 },
      ]);
      assert.deepEqual(applyRetention(db, NOW, 1e9, formatUtcTimestamp), {
        ran: true,
        deletedRows: 0,
        deletedRecoveries: 0,
        deletedNetworkEvents: 0,
        deletedNotifications: 0,
      });
    } finally {
      db.close();
    }
  });

  it("also deletes the Python Watchdog's rows, whose timestamps have the same format", () => {
    const db = openStore(join(makeTempDir(), 'watchdog.db'));
    try {
      db.prepare(
        "INSERT INTO check_history (process_key, checked_at, health) VALUES ('web', '2026-01-01T00:00:00+00:00', 'healthy')",
      ).run();
      db.prepare(
        "INSERT INTO check_history (process_key, checked_at, health) VALUES ('web', '2026-06-29T00:00:00.123456+00:00', 'healthy')",
      ).run();
      assert.deepEqual(applyRetention(db, NOW, 30, formatUtcTimestamp), {
        ran: true,
        deletedRows: 1,
        deletedRecoveries: 0,
        deletedNetworkEvents: 0,
        deletedNotifications: 0,
      });
    } finally {
      db.close();
    }
  });
  it('deletes the figures of file system entries no longer configured, and only with the list of those that are', () => {
    const db = openStore(join(makeTempDir(), 'watchdog.db'));
    try {
      const figures = {
        folder: '/d',
        mountPoint: '/d',
        fsType: 'ext4',
        sizeBytes: 10,
        freeBytes: 5,
        readOnly: false,
        rootFilesystem: false,
      };
      for (const key of ['kept', 'removed']) recordFilesystemFigures(db, key, 'T', figures);
      const keys = () => [...readFilesystemFigures(db).keys()].sort();
      applyRetention(db, NOW, 30, formatUtcTimestamp);
      assert.deepEqual(keys(), ['kept', 'removed'], 'without the list nothing is known to be gone');
      applyRetention(db, NOW + 2 * 60 * 60 * 1000, 30, formatUtcTimestamp, ['kept', 'not yet checked']);
      assert.deepEqual(keys(), ['kept']);
    } finally {
      db.close();
    }
  });
});
