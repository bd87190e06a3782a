import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open-store.js';
import { onCleanup } from '../helpers/cleanup.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/** The migration that adds `raised_events` and `notification_channels` (found by what it adds: easy to renumber). */
const VERSION = MIGRATIONS.find((step) => step.description.startsWith('when each event was last raised'))?.version ?? 0;

const T = (minute: number): string => `2026-06-30T12:${String(minute).padStart(2, '0')}:00.000000+00:00`;

describe('the migration to raised_events and notification_channels', () => {
  it('fills them from the notifications a database already has', () => {
    assert.ok(VERSION > 0, 'the migration exists');
    const dbPath = join(makeTempDir(), 'old.db');
    const old = new Database(dbPath);
    for (const migration of MIGRATIONS.filter((step) => step.version < VERSION)) migration.up(old);
    old.pragma(`user_version = ${VERSION - 1}`);
    const insert = old.prepare(
      `INSERT INTO notifications (channel, event, subject, created_at, payload, state, last_attempt_at, last_error, delivered_at)
       VALUES (?, ?, ?, ?, '{}', ?, ?, ?, ?)`,
    );
    insert.run('sms', 'gave_up', 'web', T(1), 'delivered', T(2), null, T(2)); // id 1
    insert.run('sms', 'gave_up', 'web', T(3), 'failed', T(4), '401 revoked', null); // id 2
    insert.run('ops', 'process_on', 'web', T(5), 'delivered', T(6), null, T(6)); // id 3
    insert.run('sms', 'gave_up', 'web', T(7), 'pending', null, null, null); // id 4
    old.close();

    const db = openStore(dbPath);
    onCleanup(() => db.close());
    assert.deepEqual(db.prepare('SELECT * FROM raised_events ORDER BY raised_key').all(), [
      { raised_key: 'gave_up web', event: 'gave_up', subject: 'web', raised_at: T(7), raised_seq: 4 },
      { raised_key: 'process_on web', event: 'process_on', subject: 'web', raised_at: T(5), raised_seq: 3 },
    ]);
    assert.deepEqual(db.prepare('SELECT * FROM notification_channels ORDER BY channel').all(), [
      {
        channel: 'ops',
        last_delivered_at: T(6),
        last_refused_at: null,
        last_refused_id: null,
        last_refused_event: null,
        last_refused_subject: null,
        last_refused_created_at: null,
        last_refused_error: null,
      },
      {
        channel: 'sms',
        last_delivered_at: T(2),
        last_refused_at: T(4),
        last_refused_id: 2,
        last_refused_event: 'gave_up',
        last_refused_subject: 'web',
        last_refused_created_at: T(3),
        last_refused_error: '401 revoked',
      },
    ]);
  });
});
