import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { HealthState } from '../../src/heartbeat/health-state.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { openStore, type Store } from '../../src/store/open-store.js';
import { readProcessStates } from '../../src/store/read-state.js';
import { recordCheck } from '../../src/store/record-checks.js';
import { recordCommandState } from '../../src/store/record-command-state.js';
import { onCleanup } from '../helpers/cleanup.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { verdictOf } from '../helpers/verdicts.js';

/** The migration that adds `last_health_since`: found by what it does, so a renumbering on merge changes nothing here. */
const SINCE_MIGRATION = MIGRATIONS.find((migration) => migration.description.includes('last_health_since'));

const at = (minute: number): string => `2026-01-01T00:${String(minute).padStart(2, '0')}:00.000000+00:00`;

function freshStore(): Store {
  const db = openStore(join(makeTempDir(), 'watchdog.db'));
  onCleanup(() => db.close());
  return db;
}

function check(db: Store, checkedAt: string, state: HealthState, failures = 0): void {
  recordCheck(db, {
    processKey: 'web',
    checkedAt,
    verdict: verdictOf(state),
    heartbeatState: state === 'off' || state === 'gave_up' ? 'timed_out' : state,
    consecutiveFailures: failures,
    actionTaken: null,
    recoveryDueSince: null,
    gaveUpReason: undefined,
  });
}

function command(db: Store, commandAt: string, command: string, state: HealthState): void {
  const checked = verdictOf('timed_out');
  recordCommandState(db, {
    processKey: 'web',
    at: commandAt,
    command,
    assessment: { verdict: { ...checked, state, reason: `${command} by alice` }, checked },
  });
}

const sinceOf = (db: Store): string | null | undefined => readProcessStates(db).get('web')?.last_health_since;

describe('last_health_since', () => {
  it('is the first check of the state, kept while checks see it, moved when it changes', () => {
    const db = freshStore();
    check(db, at(0), 'healthy');
    assert.equal(sinceOf(db), at(0));
    check(db, at(1), 'healthy');
    check(db, at(2), 'healthy');
    assert.equal(sinceOf(db), at(0), 'unchanged checks keep it');
    check(db, at(3), 'timed_out', 1);
    assert.equal(sinceOf(db), at(3));
    check(db, at(4), 'timed_out', 2);
    assert.equal(sinceOf(db), at(3), 'a failure counted again is the same state');
    check(db, at(5), 'gave_up', 2);
    assert.equal(sinceOf(db), at(5));
  });

  it("follows a person's off and on: the command's time, kept by the checks that see it off", () => {
    const db = freshStore();
    check(db, at(0), 'healthy');
    command(db, at(1), 'off', 'off');
    assert.equal(sinceOf(db), at(1));
    check(db, at(2), 'off');
    check(db, at(3), 'off');
    assert.equal(sinceOf(db), at(1), 'the tick records off as the command left it');
    command(db, at(4), 'on', 'starting');
    assert.equal(sinceOf(db), at(4));
    check(db, at(5), 'healthy');
    assert.equal(sinceOf(db), at(5));
  });

  it('is never later than a check that still sees the state: a clock set back moves it back', () => {
    const db = freshStore();
    check(db, at(30), 'healthy');
    check(db, at(10), 'healthy');
    assert.equal(sinceOf(db), at(10));
    check(db, at(20), 'healthy');
    assert.equal(sinceOf(db), at(10), 'and not forward again');
  });

  it('stays unknown (NULL) while the state a database from before it recorded lasts, and is set when it changes', () => {
    const db = freshStore();
    check(db, at(0), 'healthy');
    db.prepare('UPDATE process_state SET last_health_since = NULL').run();
    check(db, at(1), 'healthy');
    assert.equal(sinceOf(db), null, 'not the time of a check that did not see it begin');
    check(db, at(2), 'timed_out', 1);
    assert.equal(sinceOf(db), at(2));
  });
});

describe('the migration to last_health_since', () => {
  it('fills it from the history: the first row of the last run in the state, or the command that set it', () => {
    assert.ok(SINCE_MIGRATION, 'the migration exists');
    const path = join(makeTempDir(), 'watchdog.db');
    const old = new Database(path);
    for (const migration of MIGRATIONS.filter((step) => step.version < SINCE_MIGRATION.version)) migration.up(old);
    old.pragma(`user_version = ${SINCE_MIGRATION.version - 1}`);
    const state = old.prepare(
      `INSERT INTO process_state (process_key, consecutive_failures, last_check_at, last_health, last_state_at, last_state_source)
       VALUES (?, 0, ?, ?, ?, ?)`,
    );
    const history = old.prepare('INSERT INTO check_history (process_key, checked_at, health) VALUES (?, ?, ?)');
    // web: healthy, failed, then healthy again from minute 3 (a folded run's row is its first check).
    for (const [minute, health] of [
      [0, 'healthy'],
      [1, 'timed_out'],
      [2, 'timed_out'],
      [3, 'healthy'],
      [4, 'healthy'],
    ] as const)
      history.run('web', at(minute), health);
    history.run('db', at(0), 'healthy');
    state.run('web', at(4), 'healthy', at(4), 'check');
    // db: turned off by a person after its last check.
    state.run('db', at(0), 'off', at(7), 'off');
    // cam: always healthy in the history kept (retention took the start of its run).
    history.run('cam', at(5), 'healthy');
    history.run('cam', at(6), 'healthy');
    // The Python tool's rows say nothing of their source.
    state.run('cam', at(6), 'healthy', null, null);
    // gone: a state with no row left in the history at all.
    state.run('gone', at(1), 'timed_out', at(1), 'check');
    // never: a row an `off` made before any check.
    old.prepare("INSERT INTO process_state (process_key, off_since) VALUES ('never', ?)").run(at(0));
    old.close();

    const db = openStore(path);
    onCleanup(() => db.close());
    const since = Object.fromEntries(
      [...readProcessStates(db).values()].map((row) => [row.process_key, row.last_health_since]),
    );
    assert.deepEqual(since, { web: at(3), db: at(7), cam: at(5), gone: null, never: null });
  });
});
