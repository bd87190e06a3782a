import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { iterationOf, processLifecycleFamilies, stateSinceMs } from '../../src/metrics/process-lifecycle-metrics.js';
import { formatPrometheusText } from '../../src/metrics/prometheus-text.js';
import { flushFoldedChecks, noFoldedChecks, withFoldedChecks, type FoldedRun } from '../../src/store/folded-checks.js';
import { openStore, type Store } from '../../src/store/open-store.js';
import { readProcessStates, type ProcessStateRow } from '../../src/store/read-state.js';
import { onCleanup } from '../helpers/cleanup.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const T0 = '2026-06-30T12:00:00.000000+00:00';
const T1 = '2026-06-30T12:05:00.000000+00:00';
const T2 = '2026-06-30T12:10:00.000000+00:00';
const seconds = (timestamp: string): number => Date.parse(timestamp) / 1000;

function freshStore(): Store {
  const db = openStore(join(makeTempDir(), 'watchdog.db'));
  onCleanup(() => db.close());
  return db;
}

/** A state row with only what these families read. */
function rowOf(extra: Partial<ProcessStateRow>): ProcessStateRow {
  return {
    last_health: 'healthy',
    last_health_since: T0,
    last_state_at: T1,
    last_check_at: T1,
    last_iteration: null,
    ...extra,
  } as ProcessStateRow;
}

function familyOf(db: Store, name: string, states = readProcessStates(db)): string[] {
  const config = {
    processes: [
      { key: 'web', enabled: true },
      { key: 'db', enabled: true },
      { key: 'old', enabled: false },
    ],
  } as Parameters<typeof processLifecycleFamilies>[1];
  const family = processLifecycleFamilies(db, config, states).find((candidate) => candidate.name === name);
  assert.ok(family, name);
  return family.samples.map((sample) => `${sample.labels.process ?? '?'} ${sample.value}`).sort();
}

describe('stateSinceMs', () => {
  it('is when the state was entered', () => {
    assert.equal(stateSinceMs(rowOf({})), Date.parse(T0));
  });

  it('is never after the state was last recorded (a clock set back since), whether by a check or a command', () => {
    assert.equal(stateSinceMs(rowOf({ last_health_since: T2 })), Date.parse(T1));
    assert.equal(
      stateSinceMs(rowOf({ last_health_since: T2, last_state_at: null, last_check_at: T0 })),
      Date.parse(T0),
      'a row of the Python tool has only its check time',
    );
  });

  it('is not known without a since, a state, or with a time that does not parse', () => {
    assert.equal(stateSinceMs(undefined), undefined);
    assert.equal(stateSinceMs(rowOf({ last_health_since: null })), undefined);
    assert.equal(stateSinceMs(rowOf({ last_health_since: undefined })), undefined, 'a row from before schema 19');
    assert.equal(stateSinceMs(rowOf({ last_health: null })), undefined);
    assert.equal(stateSinceMs(rowOf({ last_health_since: 'yesterday' })), undefined);
  });
});

describe('iterationOf', () => {
  it('is a whole number from 0 up to 2^53 - 1, and nothing else a row may hold', () => {
    assert.equal(iterationOf(rowOf({ last_iteration: 0 })), 0);
    assert.equal(iterationOf(rowOf({ last_iteration: 41 })), 41);
    assert.equal(iterationOf(rowOf({ last_iteration: Number.MAX_SAFE_INTEGER })), Number.MAX_SAFE_INTEGER);
    for (const hostile of [null, -1, 1.5, 2 ** 53, 1e308, Infinity, NaN, '42', '1e999', true])
      assert.equal(iterationOf(rowOf({ last_iteration: hostile as number })), undefined, String(hostile));
    assert.equal(iterationOf(undefined), undefined);
  });

  it('leaves out what a hand-written database holds (SQLite keeps a string in an INTEGER column)', () => {
    const db = freshStore();
    db.prepare(
      "INSERT INTO process_state (process_key, last_health, last_iteration) VALUES ('web', 'healthy', '\"}\n# x'), ('db', 'healthy', 7)",
    ).run();
    assert.deepEqual(familyOf(db, 'watchdog_process_heartbeat_iteration'), ['db 7']);
    const text = formatPrometheusText(
      processLifecycleFamilies(db, { processes: [{ key: 'web', enabled: true }] } as never, readProcessStates(db)),
    );
    assert.doesNotMatch(text, /# x/);
  });
});

describe('processLifecycleFamilies', () => {
  it("takes the iteration and the check's time from the run waiting in memory, and keeps the since of the row", () => {
    const db = freshStore();
    db.prepare(
      `INSERT INTO process_state (process_key, last_health, last_check_at, last_state_at, last_state_source, last_iteration, last_health_since)
       VALUES ('web', 'healthy', ?, ?, 'check', 10, ?)`,
    ).run(T1, T1, T0);
    const run: FoldedRun = {
      after: T1,
      first: T1,
      last: T2,
      count: 5,
      heartbeatTs: T2,
      iteration: 15,
      ageSeconds: 1,
      reason: 'heartbeat 1s ago, iteration 15',
    };
    const folded = { ...noFoldedChecks('/db', 0), runs: { web: run } };
    const states = withFoldedChecks(readProcessStates(db), folded);
    assert.deepEqual(familyOf(db, 'watchdog_process_heartbeat_iteration', states), ['web 15']);
    assert.deepEqual(familyOf(db, 'watchdog_process_state_since_timestamp_seconds', states), [`web ${seconds(T0)}`]);
    assert.deepEqual(familyOf(db, 'watchdog_process_heartbeat_iteration'), ['web 10'], 'the row alone: its last write');
  });

  it('moves the since back to the first check of the run waiting in memory when the clock was set back behind it', () => {
    const db = freshStore();
    db.prepare(
      `INSERT INTO process_state (process_key, last_health, last_check_at, last_state_at, last_state_source, last_health_since)
       VALUES ('web', 'healthy', ?, ?, 'check', ?)`,
    ).run(T2, T2, T2);
    // The clock went back ten minutes: the checks since are at T0 and T1.
    const run: FoldedRun = {
      after: T2,
      first: T0,
      last: T1,
      count: 2,
      heartbeatTs: T1,
      iteration: 3,
      ageSeconds: 0,
      reason: 'r',
    };
    const folded = { ...noFoldedChecks('/db', 0), runs: { web: run } };
    const states = withFoldedChecks(readProcessStates(db), folded);
    assert.deepEqual(
      familyOf(db, 'watchdog_process_state_since_timestamp_seconds', states),
      [`web ${seconds(T0)}`],
      'the first check on the new clock saw the state: it held then',
    );
    // Written with the run, the database says the same.
    db.transaction(() => flushFoldedChecks(db, folded)).immediate();
    assert.equal(readProcessStates(db).get('web')?.last_health_since, T0);
    assert.deepEqual(familyOf(db, 'watchdog_process_state_since_timestamp_seconds'), [`web ${seconds(T0)}`]);
  });

  it('gives every enabled process a restart count, 0 included, and none to a disabled one', () => {
    const db = freshStore();
    assert.deepEqual(familyOf(db, 'watchdog_process_restarts_total'), ['db 0', 'web 0']);
  });
});
