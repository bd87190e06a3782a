import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../src/store/migrations.js';
import {
  completeNetworkEvent,
  recordNetworkEvent,
  type EventStamp,
  type NetworkEventInput,
} from '../../../src/network/store/record-network-event.js';
import { readLadderEvents, readNetworkEvents, readReboots } from '../../../src/network/store/read-network-events.js';
import { emptyNetworkState, readNetworkState } from '../../../src/network/store/read-network-state.js';
import {
  recordHealed,
  recordLadderRun,
  recordNetworkCheck,
  type NetworkCheckRecord,
} from '../../../src/network/store/record-network-state.js';
import { openStore } from '../../../src/store/open-store.js';
import { applyRetention } from '../../../src/store/retention.js';
import { formatUtcTimestamp } from '../../../src/time/format-utc-timestamp.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { withStore } from '../../helpers/temp-store.js';

const NOW = Date.parse('2026-06-30T12:00:00Z');
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const T0 = '2026-06-30T12:00:00.000000+00:00';
const T1 = '2026-06-30T12:01:00.000000+00:00';
const T2 = '2026-06-30T12:02:00.000000+00:00';

const stamp = (
  at: string = T0,
  bootId: string | undefined = 'boot-1',
  uptimeSeconds: number | undefined = 100,
): EventStamp => ({ at, bootId, uptimeSeconds });
const stampAgo = (ms: number): EventStamp => stamp(formatUtcTimestamp(new Date(NOW - ms)));
const event = (kind: NetworkEventInput['kind'], extra: Partial<NetworkEventInput> = {}): NetworkEventInput => ({
  interface: 'eth0',
  kind,
  ...extra,
});

const check = (overrides: Partial<NetworkCheckRecord> = {}): NetworkCheckRecord => ({
  checkedAt: T0,
  state: 'no_carrier',
  reason: 'no carrier on eth0',
  consecutiveFailures: 1,
  failingSince: T0,
  seenAt: T0,
  resetLadderFailures: false,
  ...overrides,
});

function tableNames(db: Database.Database): string[] {
  return db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type IN ('table', 'index') ORDER BY name")
    .all()
    .map((row) => row.name);
}

describe('migration v4: the network tables', () => {
  it('creates network_state and network_events, with their indexes, in a fresh database', () => {
    const db = openStore(join(makeTempDir(), 'watchdog.db'));
    try {
      assert.ok(SCHEMA_VERSION >= 4, 'v4 is applied');
      assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
      const names = tableNames(db);
      for (const name of ['network_state', 'network_events', 'network_events_by_time', 'network_events_by_kind']) {
        assert.ok(names.includes(name), `${name} exists`);
      }
    } finally {
      db.close();
    }
  });

  it('adds them to a database at version 3, keeping its rows', () => {
    const dbPath = join(makeTempDir(), 'v3.db');
    const old = new Database(dbPath);
    for (const migration of MIGRATIONS.filter((step) => step.version <= 3)) migration.up(old);
    old.pragma('user_version = 3');
    old
      .prepare(
        "INSERT INTO process_state (process_key, consecutive_failures, last_health) VALUES ('web', 2, 'timed_out')",
      )
      .run();
    old.prepare("INSERT INTO check_history (process_key, checked_at, health) VALUES ('web', ?, 'timed_out')").run(T0);
    assert.ok(!tableNames(old).includes('network_state'), 'version 3 has no network tables');
    old.close();

    const db = openStore(dbPath);
    try {
      assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
      assert.ok(tableNames(db).includes('network_state'), 'network_state added');
      assert.ok(tableNames(db).includes('network_events'), 'network_events added');
      assert.deepEqual(db.prepare('SELECT process_key, consecutive_failures, last_health FROM process_state').all(), [
        { process_key: 'web', consecutive_failures: 2, last_health: 'timed_out' },
      ]);
      assert.equal(db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM check_history').get()?.n, 1);
      assert.deepEqual(readNetworkState(db, 'eth0'), emptyNetworkState('eth0'));
    } finally {
      db.close();
    }
  });
});

describe('network_state', () => {
  it(
    'reads an interface never checked as empty',
    withStore((db) => {
      assert.deepEqual(readNetworkState(db, 'wlan0'), {
        interface: 'wlan0',
        last_check_at: null,
        last_state: null,
        last_reason: null,
        consecutive_failures: 0,
        failing_since: null,
        seen_at: null,
        failed_ladder_runs: 0,
        last_ladder_at: null,
        last_ladder_id: null,
        last_ladder_outcome: null,
        last_healed_by: null,
      });
    }),
  );

  it(
    'writes a check, then updates the same row; each interface has its own',
    withStore((db) => {
      recordNetworkCheck(db, 'eth0', check());
      recordNetworkCheck(db, 'eth0', check({ checkedAt: T1, consecutiveFailures: 2, reason: 'still no carrier' }));
      recordNetworkCheck(
        db,
        'wlan0',
        check({ state: 'up', reason: 'wlan0 up', consecutiveFailures: 0, failingSince: null }),
      );
      assert.equal(db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM network_state').get()?.n, 2);
      const eth0 = readNetworkState(db, 'eth0');
      assert.deepEqual(
        [
          eth0.last_check_at,
          eth0.last_state,
          eth0.last_reason,
          eth0.consecutive_failures,
          eth0.failing_since,
          eth0.seen_at,
        ],
        [T1, 'no_carrier', 'still no carrier', 2, T0, T0],
      );
      assert.equal(readNetworkState(db, 'wlan0').last_state, 'up');
    }),
  );

  it(
    'keeps the count of failed ladder runs across checks, and resets it only when asked (a healthy check)',
    withStore((db) => {
      recordNetworkCheck(db, 'eth0', check());
      recordLadderRun(db, 'eth0', { at: T0, ladderId: 7, outcome: 'failed', healedBy: null, failedLadderRuns: 2 });
      recordNetworkCheck(db, 'eth0', check({ checkedAt: T1 }));
      assert.equal(readNetworkState(db, 'eth0').failed_ladder_runs, 2);
      recordNetworkCheck(
        db,
        'eth0',
        check({ checkedAt: T2, state: 'up', consecutiveFailures: 0, failingSince: null, resetLadderFailures: true }),
      );
      const state = readNetworkState(db, 'eth0');
      assert.equal(state.failed_ladder_runs, 0);
      assert.equal(state.last_ladder_id, 7, 'the last run is still on record');
    }),
  );

  it(
    'records a ladder run, keeping the last rung that healed when this run names none',
    withStore((db) => {
      recordNetworkCheck(db, 'eth0', check());
      recordLadderRun(db, 'eth0', { at: T0, ladderId: 3, outcome: 'healed', healedBy: 'bounce', failedLadderRuns: 0 });
      recordLadderRun(db, 'eth0', { at: T1, ladderId: 9, outcome: 'failed', healedBy: null, failedLadderRuns: 1 });
      const state = readNetworkState(db, 'eth0');
      assert.deepEqual(
        [
          state.last_ladder_at,
          state.last_ladder_id,
          state.last_ladder_outcome,
          state.last_healed_by,
          state.failed_ladder_runs,
        ],
        [T1, 9, 'failed', 'bounce', 1],
      );
      recordLadderRun(db, 'eth0', {
        at: T2,
        ladderId: 12,
        outcome: 'healed',
        healedBy: 'restart-networking',
        failedLadderRuns: 0,
      });
      assert.equal(readNetworkState(db, 'eth0').last_healed_by, 'restart-networking');
    }),
  );

  it(
    'clears the failures when a rung healed the link',
    withStore((db) => {
      recordNetworkCheck(db, 'eth0', check({ consecutiveFailures: 4 }));
      recordHealed(db, 'eth0', T1, 'up', 'eth0 up, 192.0.2.10');
      const state = readNetworkState(db, 'eth0');
      assert.deepEqual(
        [
          state.last_check_at,
          state.last_state,
          state.last_reason,
          state.consecutive_failures,
          state.failing_since,
          state.seen_at,
        ],
        [T1, 'up', 'eth0 up, 192.0.2.10', 0, null, T0],
      );
    }),
  );
});

describe('network_events', () => {
  it(
    'records an event with its stamp, empty fields as NULL, and returns its id',
    withStore((db) => {
      const first = recordNetworkEvent(
        db,
        stamp(),
        event('link_down', { outcome: 'no_carrier', detail: 'no carrier on eth0' }),
      );
      const second = recordNetworkEvent(
        db,
        { at: T1, bootId: undefined, uptimeSeconds: undefined },
        event('rung', {
          ladderId: first,
          rung: 'bounce',
          outcome: 'not_healed',
          durationMs: 2000.6,
          exitCode: null,
          outputTail: '',
        }),
      );
      assert.equal(second, first + 1);
      const [rung, down] = readNetworkEvents(db, 10);
      assert.deepEqual(down, {
        id: first,
        at: T0,
        boot_id: 'boot-1',
        uptime_seconds: 100,
        interface: 'eth0',
        kind: 'link_down',
        ladder_id: null,
        rung: null,
        outcome: 'no_carrier',
        detail: 'no carrier on eth0',
        duration_ms: null,
        exit_code: null,
        output_tail: null,
      });
      assert.deepEqual(
        [
          rung?.boot_id,
          rung?.uptime_seconds,
          rung?.ladder_id,
          rung?.rung,
          rung?.duration_ms,
          rung?.exit_code,
          rung?.output_tail,
        ],
        [null, null, first, 'bounce', 2001, null, null],
      );
    }),
  );

  it(
    'completes an event written before its outcome was known, keeping its detail when none is given',
    withStore((db) => {
      const id = recordNetworkEvent(
        db,
        stamp(),
        event('reboot', { outcome: 'requested', detail: '3 consecutive failed ladder runs' }),
      );
      completeNetworkEvent(db, id, {
        outcome: 'command_failed',
        durationMs: 12.4,
        exitCode: 1,
        outputTail: 'Access denied',
      });
      const [row] = readReboots(db);
      assert.deepEqual(
        [row?.outcome, row?.detail, row?.duration_ms, row?.exit_code, row?.output_tail, row?.at, row?.boot_id],
        ['command_failed', '3 consecutive failed ladder runs', 12, 1, 'Access denied', T0, 'boot-1'],
      );
      completeNetworkEvent(db, id, { outcome: 'requested', detail: 'with a new detail', outputTail: '' });
      const [again] = readReboots(db);
      assert.deepEqual([again?.outcome, again?.detail, again?.output_tail], ['requested', 'with a new detail', null]);
    }),
  );

  it(
    'reads only reboot rows as reboots, newest first, whatever the interface',
    withStore((db) => {
      const first = recordNetworkEvent(db, stamp(T0), event('reboot', { outcome: 'requested' }));
      recordNetworkEvent(db, stamp(T0), event('reboot_held', { rung: 'cooldown', outcome: 'held' }));
      recordNetworkEvent(db, stamp(T1), event('ladder_end', { outcome: 'failed' }));
      const second = recordNetworkEvent(db, stamp(T1), {
        interface: 'wwan0',
        kind: 'reboot',
        outcome: 'command_failed',
      });
      const third = recordNetworkEvent(db, stamp(T2), event('reboot', { outcome: 'requested' }));
      assert.deepEqual(
        readReboots(db).map((row) => [row.id, row.kind, row.interface]),
        [
          [third, 'reboot', 'eth0'],
          [second, 'reboot', 'wwan0'],
          [first, 'reboot', 'eth0'],
        ],
      );
      assert.deepEqual(
        readReboots(db, 2).map((row) => row.id),
        [third, second],
      );
    }),
  );

  it(
    'reads the events of one ladder run in order, its start first',
    withStore((db) => {
      recordNetworkEvent(db, stamp(), event('link_down'));
      const start = recordNetworkEvent(db, stamp(), event('ladder_start'));
      const rung = recordNetworkEvent(db, stamp(), event('rung', { ladderId: start, rung: 'bounce' }));
      const other = recordNetworkEvent(db, stamp(), event('ladder_start'));
      recordNetworkEvent(db, stamp(), event('rung', { ladderId: other, rung: 'bounce' }));
      const end = recordNetworkEvent(db, stamp(), event('ladder_end', { ladderId: start }));
      assert.deepEqual(
        readLadderEvents(db, start).map((row) => row.id),
        [start, rung, end],
      );
    }),
  );
});

describe('applyRetention: network events', () => {
  it(
    'deletes network events older than the retention, but keeps the newest reboot for ever',
    withStore((db) => {
      const oldest = recordNetworkEvent(db, stampAgo(50 * DAY), event('reboot', { outcome: 'requested' }));
      const newestReboot = recordNetworkEvent(db, stampAgo(40 * DAY), event('reboot', { outcome: 'requested' }));
      recordNetworkEvent(db, stampAgo(40 * DAY), event('reboot_held', { rung: 'cooldown' }));
      recordNetworkEvent(db, stampAgo(31 * DAY), event('link_down'));
      const recent = recordNetworkEvent(db, stampAgo(29 * DAY), event('link_up'));
      const result = applyRetention(db, NOW, 30, formatUtcTimestamp);
      assert.deepEqual(result, {
        ran: true,
        deletedRows: 0,
        deletedRecoveries: 0,
        deletedNetworkEvents: 3,
        deletedNotifications: 0,
      });
      assert.deepEqual(
        readNetworkEvents(db, 10).map((row) => row.id),
        [recent, newestReboot],
      );
      assert.ok(!readReboots(db).some((row) => row.id === oldest), 'an older reboot goes');
    }),
  );

  it(
    "keeps the last day's reboots even when the retention is shorter than a day",
    withStore((db) => {
      const twoDaysAgo = recordNetworkEvent(db, stampAgo(2 * DAY), event('reboot', { outcome: 'requested' }));
      const twentyHoursAgo = recordNetworkEvent(
        db,
        stampAgo(20 * HOUR),
        event('reboot', { outcome: 'command_failed' }),
      );
      const tenHoursAgo = recordNetworkEvent(db, stampAgo(10 * HOUR), event('reboot', { outcome: 'requested' }));
      recordNetworkEvent(db, stampAgo(10 * HOUR), event('ladder_end', { outcome: 'failed' }));
      const anHourAgo = recordNetworkEvent(db, stampAgo(HOUR), event('link_down'));
      const result = applyRetention(db, NOW, 0.25, formatUtcTimestamp);
      assert.equal(result.deletedNetworkEvents, 2);
      assert.deepEqual(
        readReboots(db).map((row) => row.id),
        [tenHoursAgo, twentyHoursAgo],
      );
      assert.deepEqual(
        readNetworkEvents(db, 10).map((row) => row.id),
        [anHourAgo, tenHoursAgo, twentyHoursAgo],
      );
      assert.ok(
        !readNetworkEvents(db, 10).some((row) => row.id === twoDaysAgo),
        'a reboot older than a day, not the newest, goes',
      );
    }),
  );

  it(
    'keeps the only reboot, however old, also under a short retention',
    withStore((db) => {
      const only = recordNetworkEvent(db, stampAgo(400 * DAY), event('reboot', { outcome: 'requested' }));
      recordNetworkEvent(db, stampAgo(400 * DAY), event('ladder_start'));
      applyRetention(db, NOW, 1, formatUtcTimestamp);
      assert.deepEqual(
        readNetworkEvents(db, 10).map((row) => row.id),
        [only],
      );
    }),
  );
});
