import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openStore, type Store } from '../../src/store/open-store.js';
import { readHistory, readProcessStates } from '../../src/store/read-state.js';
import { recordChecks } from '../helpers/record-checks.js';
import { recordCommandState } from '../../src/store/record-command-state.js';
import { onCleanup } from '../helpers/cleanup.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { verdictOf } from '../helpers/verdicts.js';

const CHECKED_AT = '2026-01-01T00:00:00.000000+00:00';
const COMMAND_AT = '2026-01-01T00:00:20.000000+00:00';

function freshStore(): Store {
  const db = openStore(join(makeTempDir(), 'watchdog.db'));
  onCleanup(() => db.close());
  return db;
}

/** The columns status reads, of `web`. */
function stateOf(db: Store) {
  const row = readProcessStates(db).get('web');
  return (
    row && {
      health: row.last_health,
      heartbeat: row.last_heartbeat_state,
      pid: row.last_pid,
      reason: row.last_reason,
      source: row.last_state_source,
      at: row.last_state_at,
      checkedAt: row.last_check_at,
      failures: row.consecutive_failures,
    }
  );
}

describe('recordCommandState', () => {
  it("records what a command left over the last check's state, without a check row, its time or its count", () => {
    const db = freshStore();
    recordChecks(db, CHECKED_AT, [
      { processKey: 'web', verdict: verdictOf('timed_out', 'last heartbeat 40s ago', { pid: 4321 }), threshold: 3 },
    ]);
    assert.deepEqual(stateOf(db), {
      health: 'timed_out',
      heartbeat: 'timed_out',
      pid: 4321,
      reason: 'last heartbeat 40s ago',
      source: 'check',
      at: CHECKED_AT,
      checkedAt: CHECKED_AT,
      failures: 1,
    });

    const checked = verdictOf('no_heartbeat', 'no heartbeat file');
    recordCommandState(db, {
      processKey: 'web',
      at: COMMAND_AT,
      command: 'off',
      assessment: { verdict: { ...checked, state: 'off', reason: 'turned off by alice' }, checked },
    });
    assert.deepEqual(stateOf(db), {
      health: 'off',
      heartbeat: 'no_heartbeat',
      pid: null,
      reason: 'turned off by alice',
      source: 'off',
      at: COMMAND_AT,
      checkedAt: CHECKED_AT,
      failures: 1,
    });
    assert.equal(readHistory(db, { processKey: 'web', limit: 10 }).length, 1, 'no check row was invented');

    // The next check writes over it.
    recordChecks(db, '2026-01-01T00:01:00.000000+00:00', [
      { processKey: 'web', verdict: verdictOf('healthy', 'heartbeat 0.1s ago', { pid: 99 }), threshold: 3 },
    ]);
    assert.deepEqual(stateOf(db), {
      health: 'healthy',
      heartbeat: 'healthy',
      pid: 99,
      reason: 'heartbeat 0.1s ago',
      source: 'check',
      at: '2026-01-01T00:01:00.000000+00:00',
      checkedAt: '2026-01-01T00:01:00.000000+00:00',
      failures: 0,
    });
  });

  it('a process never checked gets a row from the command alone', () => {
    const db = freshStore();
    const checked = verdictOf('no_heartbeat', 'no heartbeat file');
    recordCommandState(db, {
      processKey: 'web',
      at: COMMAND_AT,
      command: 'reset',
      assessment: { verdict: checked, checked },
    });
    assert.deepEqual(stateOf(db), {
      health: 'no_heartbeat',
      heartbeat: 'no_heartbeat',
      pid: null,
      reason: 'no heartbeat file',
      source: 'reset',
      at: COMMAND_AT,
      checkedAt: null,
      failures: 0,
    });
  });

  it('a check wrapped in starting or off keeps the heartbeat state behind it', () => {
    const db = freshStore();
    recordChecks(db, CHECKED_AT, [
      { processKey: 'web', verdict: verdictOf('stale_pid', 'PID 4321 is not running', { pid: 4321 }), threshold: 3 },
    ]);
    db.prepare("UPDATE process_state SET off_since = ?, off_by = 'alice' WHERE process_key = 'web'").run(CHECKED_AT);
    recordChecks(db, COMMAND_AT, [
      { processKey: 'web', verdict: verdictOf('stale_pid', 'PID 4321 is not running', { pid: 4321 }), threshold: 3 },
    ]);
    assert.deepEqual([stateOf(db)?.health, stateOf(db)?.heartbeat, stateOf(db)?.pid], ['off', 'stale_pid', 4321]);
  });
});
