import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { COUNTED_ROWS, countRows, type Count, type CountedRows } from '../../src/store/metric-counts.js';
import { recordNetworkEvent, type NetworkEventKind } from '../../src/network/store/record-network-event.js';
import { queueNotification, type NotificationState } from '../../src/notify/queue/notification-rows.js';
import { openStore, type Store } from '../../src/store/open-store.js';
import { recordRaised } from '../../src/notify/queue/raised-events.js';
import {
  beginRecovery,
  finishRecovery,
  recordRecoveryAction,
  type ActionOutcome,
  type RecoveryKind,
} from '../../src/store/record-recovery.js';
import { applyRetention } from '../../src/store/retention.js';
import { formatUtcTimestamp } from '../../src/time/format-utc-timestamp.js';
import { onCleanup } from '../helpers/cleanup.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const NOW = Date.parse('2026-06-30T12:00:00Z');
const at = (daysAgo: number): string => formatUtcTimestamp(new Date(NOW - daysAgo * DAY));

function freshStore(): Store {
  const db = openStore(join(makeTempDir(), 'state', 'watchdog.db'));
  onCleanup(() => db.close());
  return db;
}

function recovery(
  db: Store,
  daysAgo: number,
  processKey: string,
  kind: RecoveryKind,
  outcome: 'succeeded' | 'failed' | 'running',
  actions: readonly [string, ActionOutcome][] = [],
): number {
  const id = beginRecovery(db, {
    processKey,
    kind,
    command: 'check',
    requestedBy: 'cron',
    triggerHealth: 'timed_out',
    triggerReason: 'r',
    startedAt: at(daysAgo),
  });
  actions.forEach(([action, actionOutcome], position) =>
    recordRecoveryAction(db, id, position, {
      action,
      outcome: actionOutcome,
      startedAt: at(daysAgo),
      durationMs: 1,
      pid: 4242,
      exitCode: null,
      signal: null,
      timedOut: false,
      detail: 'd',
      outputTail: null,
    }),
  );
  if (outcome !== 'running')
    finishRecovery(db, id, { finishedAt: at(daysAgo), durationMs: 10, outcome, detail: null, startedPid: null });
  return id;
}

function networkEvent(
  db: Store,
  daysAgo: number,
  kind: NetworkEventKind,
  rung?: string,
  outcome?: string,
  name = 'eth0',
): number {
  return recordNetworkEvent(
    db,
    { at: at(daysAgo), bootId: 'b', uptimeSeconds: 10 },
    { interface: name, kind, rung, outcome },
  );
}

/** A notification of `channel` raised `daysAgo`, left in `state`. */
function notification(db: Store, daysAgo: number, state: NotificationState, channel = 'ops'): number {
  const id = queueNotification(db, {
    channel,
    event: 'gave_up',
    subject: 'web',
    createdAt: at(daysAgo),
    payload: '{}',
  });
  db.prepare('UPDATE notifications SET state = ? WHERE id = ?').run(state, id);
  return id;
}

/** The counts as `labels... = value` lines, sorted, so two readings compare whatever their order. */
function countsOf(db: Store, counted: CountedRows): string[] {
  return countRows(db, counted)
    .map((count: Count) => `${JSON.stringify(count.labels)} = ${count.value}`)
    .sort();
}

const ALL = Object.values(COUNTED_ROWS);
const snapshot = (db: Store): string[][] => ALL.map((counted) => countsOf(db, counted));

describe('countRows', () => {
  it('counts finished recoveries by process, kind and outcome; a running one is not counted', () => {
    const db = freshStore();
    recovery(db, 1, 'web', 'recovery', 'succeeded');
    recovery(db, 1, 'web', 'recovery', 'succeeded');
    recovery(db, 1, 'web', 'restart', 'failed');
    recovery(db, 1, 'db', 'recovery', 'failed');
    recovery(db, 0, 'web', 'recovery', 'running');
    assert.deepEqual(countsOf(db, COUNTED_ROWS.recoveries), [
      '{"process":"db","kind":"recovery","outcome":"failed"} = 1',
      '{"process":"web","kind":"recovery","outcome":"succeeded"} = 2',
      '{"process":"web","kind":"restart","outcome":"failed"} = 1',
    ]);
  });

  it('counts the starts that ran, of any pipeline, by process: not a failed start, a kill, nor a command named otherwise', () => {
    const db = freshStore();
    recovery(db, 1, 'web', 'recovery', 'succeeded', [
      ['kill', 'ok'],
      ['clear_db', 'ok'],
      ['start', 'ok'],
    ]);
    recovery(db, 1, 'web', 'restart', 'succeeded', [['start', 'ok']]);
    recovery(db, 1, 'web', 'start', 'failed', [['start', 'failed']]);
    recovery(db, 1, 'web', 'stop', 'succeeded', [['kill', 'ok']]);
    recovery(db, 1, 'db', 'recovery', 'failed', [
      ['kill', 'failed'],
      ['start', 'skipped'],
    ]);
    recovery(db, 1, 'db', 'start', 'succeeded', [['start', 'ok']]);
    // The watchdog stopped during verify_delay: the instance runs, and was counted as it started.
    recovery(db, 0, 'db', 'recovery', 'running', [['start', 'ok']]);
    assert.deepEqual(countsOf(db, COUNTED_ROWS.restarts), ['{"process":"db"} = 2', '{"process":"web"} = 2']);
  });

  it('counts rungs, ladder runs, reboots and held reboots from the network events, by their labels', () => {
    const db = freshStore();
    networkEvent(db, 1, 'link_down', undefined, 'no_carrier');
    networkEvent(db, 1, 'ladder_start', undefined, 'no_carrier');
    networkEvent(db, 1, 'rung', 'bounce', 'not_healed');
    networkEvent(db, 1, 'rung', 'restart', 'healed');
    networkEvent(db, 1, 'ladder_end', 'restart', 'healed');
    networkEvent(db, 1, 'ladder_end', undefined, 'failed');
    networkEvent(db, 1, 'reboot', undefined, 'requested');
    networkEvent(db, 1, 'reboot_held', 'cooldown', 'held');
    networkEvent(db, 1, 'reboot_held', 'cooldown', 'held');
    networkEvent(db, 1, 'rung', 'bounce', 'failed', 'wlan0');
    assert.deepEqual(countsOf(db, COUNTED_ROWS.rungRuns), [
      '{"interface":"eth0","rung":"bounce","outcome":"not_healed"} = 1',
      '{"interface":"eth0","rung":"restart","outcome":"healed"} = 1',
      '{"interface":"wlan0","rung":"bounce","outcome":"failed"} = 1',
    ]);
    assert.deepEqual(countsOf(db, COUNTED_ROWS.ladderRuns), [
      '{"interface":"eth0","outcome":"failed"} = 1',
      '{"interface":"eth0","outcome":"healed"} = 1',
    ]);
    assert.deepEqual(countsOf(db, COUNTED_ROWS.reboots), ['{"interface":"eth0"} = 1']);
    assert.deepEqual(countsOf(db, COUNTED_ROWS.rebootsHeld), ['{"interface":"eth0","guard":"cooldown"} = 2']);
  });

  it('counts nothing in an empty database', () => {
    const db = freshStore();
    assert.deepEqual(
      snapshot(db),
      ALL.map(() => []),
    );
  });
});

describe('countRows of notifications', () => {
  it('counts delivered, failed and dropped notifications by channel; a pending one is not counted', () => {
    const db = freshStore();
    notification(db, 1, 'delivered');
    notification(db, 1, 'delivered');
    notification(db, 1, 'failed');
    notification(db, 1, 'dropped');
    notification(db, 1, 'pending');
    notification(db, 1, 'failed', 'sms');
    assert.deepEqual(countsOf(db, COUNTED_ROWS.notifications), [
      '{"channel":"ops","outcome":"delivered"} = 2',
      '{"channel":"ops","outcome":"dropped"} = 1',
      '{"channel":"ops","outcome":"failed"} = 1',
      '{"channel":"sms","outcome":"failed"} = 1',
    ]);
  });
});

describe('counts and retention', () => {
  it('gives the same totals after retention deleted old recoveries and network events', () => {
    const db = freshStore();
    for (const daysAgo of [60, 45, 40, 31]) {
      recovery(db, daysAgo, 'web', 'recovery', 'succeeded', [
        ['kill', 'ok'],
        ['start', 'ok'],
      ]);
      recovery(db, daysAgo, 'db', 'restart', 'failed', [['start', 'failed']]);
      networkEvent(db, daysAgo, 'ladder_start');
      networkEvent(db, daysAgo, 'rung', 'bounce', 'not_healed');
      networkEvent(db, daysAgo, 'ladder_end', undefined, 'failed');
      networkEvent(db, daysAgo, 'reboot_held', 'max_per_day', 'held');
      networkEvent(db, daysAgo, 'reboot', undefined, 'requested');
      for (const state of ['delivered', 'failed', 'dropped'] as const) notification(db, daysAgo, state);
    }
    notification(db, 40, 'pending');
    recovery(db, 35, 'web', 'recovery', 'running', [['start', 'ok']]);
    recovery(db, 2, 'web', 'recovery', 'succeeded', [['start', 'ok']]);
    networkEvent(db, 2, 'rung', 'bounce', 'healed');
    const before = snapshot(db);
    assert.ok(
      before.every((counts) => counts.length > 0),
      `every counter has rows: ${JSON.stringify(before)}`,
    );

    const result = applyRetention(db, NOW, 30, formatUtcTimestamp);
    assert.equal(result.ran, true);
    assert.equal(result.deletedRecoveries, 8, 'the old finished recoveries went (the running one stays)');
    // Every old event went but the last reboot, which the cooldown counts from.
    assert.equal(result.deletedNetworkEvents, 19);
    assert.deepEqual(snapshot(db), before);
    assert.deepEqual(countsOf(db, COUNTED_ROWS.recoveries), [
      '{"process":"db","kind":"restart","outcome":"failed"} = 4',
      '{"process":"web","kind":"recovery","outcome":"succeeded"} = 5',
    ]);
    assert.deepEqual(countsOf(db, COUNTED_ROWS.reboots), ['{"interface":"eth0"} = 4']);
    assert.equal(result.deletedNotifications, 12, 'the old notifications done with went (the waiting one stays)');
    assert.deepEqual(countsOf(db, COUNTED_ROWS.notifications), [
      '{"channel":"ops","outcome":"delivered"} = 4',
      '{"channel":"ops","outcome":"dropped"} = 4',
      '{"channel":"ops","outcome":"failed"} = 4',
    ]);
    // Four old starts in the baseline, the running recovery's and the recent one's still rows.
    assert.deepEqual(countsOf(db, COUNTED_ROWS.restarts), ['{"process":"web"} = 6']);
    assert.equal(
      db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM recovery_actions WHERE action = 'start'").get()?.n,
      2,
      "the old recoveries' actions went with them",
    );
    // A second pass (the running one finished and aged out meanwhile) counts nothing twice.
    db.prepare("UPDATE recoveries SET outcome = 'interrupted' WHERE outcome = 'running'").run();
    assert.equal(applyRetention(db, NOW + 2 * HOUR, 30, formatUtcTimestamp).deletedRecoveries, 1);
    assert.deepEqual(countsOf(db, COUNTED_ROWS.restarts), ['{"process":"web"} = 6']);
  });

  it('keeps the totals over several retention passes, with new rows between them', () => {
    const db = freshStore();
    recovery(db, 40, 'web', 'recovery', 'failed');
    networkEvent(db, 40, 'rung', 'bounce', 'not_healed');
    assert.equal(applyRetention(db, NOW, 30, formatUtcTimestamp).deletedRecoveries, 1);
    recovery(db, 35, 'web', 'recovery', 'failed');
    recovery(db, 1, 'web', 'recovery', 'failed');
    networkEvent(db, 35, 'rung', 'bounce', 'not_healed');
    assert.equal(applyRetention(db, NOW + 2 * HOUR, 30, formatUtcTimestamp).deletedRecoveries, 1);
    assert.deepEqual(countsOf(db, COUNTED_ROWS.recoveries), [
      '{"process":"web","kind":"recovery","outcome":"failed"} = 3',
    ]);
    assert.deepEqual(countsOf(db, COUNTED_ROWS.rungRuns), [
      '{"interface":"eth0","rung":"bounce","outcome":"not_healed"} = 2',
    ]);
  });

  it('counts a running recovery neither before nor after retention, and keeps it', () => {
    const db = freshStore();
    const running = recovery(db, 40, 'web', 'recovery', 'running');
    assert.deepEqual(countsOf(db, COUNTED_ROWS.recoveries), []);
    assert.equal(applyRetention(db, NOW, 30, formatUtcTimestamp).deletedRecoveries, 0);
    assert.deepEqual(countsOf(db, COUNTED_ROWS.recoveries), []);
    assert.equal(
      db.prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM recoveries WHERE id = ?').get(running)?.n,
      1,
    );
  });

  it('deletes notifications older than the retention unless they still wait', () => {
    const db = freshStore();
    const queue = (daysAgo: number, state: NotificationState): number => {
      const id = queueNotification(db, {
        channel: 'ops',
        event: 'gave_up',
        subject: 'web',
        createdAt: at(daysAgo),
        payload: '{}',
      });
      db.prepare('UPDATE notifications SET state = ? WHERE id = ?').run(state, id);
      return id;
    };
    queue(40, 'delivered');
    queue(40, 'failed');
    queue(40, 'dropped');
    const oldPending = queue(40, 'pending');
    const recent = queue(1, 'delivered');
    const result = applyRetention(db, NOW, 30, formatUtcTimestamp);
    assert.equal(result.deletedNotifications, 3);
    assert.deepEqual(
      db
        .prepare<[], { id: number }>('SELECT id FROM notifications ORDER BY id')
        .all()
        .map((row) => row.id),
      [oldPending, recent],
    );
  });

  it('deletes the raised events that came before every notification kept: they can no longer make one news', () => {
    const db = freshStore();
    const raisedKeys = (): string[] =>
      db
        .prepare<[], { raised_key: string }>('SELECT raised_key FROM raised_events ORDER BY raised_key')
        .all()
        .map((row) => row.raised_key);
    recordRaised(db, 'recovery_failed', 'web', at(50));
    notification(db, 45, 'delivered');
    recordRaised(db, 'process_off', 'web', at(44));
    notification(db, 40, 'pending');
    // Its time is old, but it came after the waiting one: it may still make the next gave_up news.
    recordRaised(db, 'process_on', 'web', at(39));
    notification(db, 1, 'delivered');
    recordRaised(db, 'process_off', 'db', at(1));
    assert.equal(applyRetention(db, NOW, 30, formatUtcTimestamp).deletedNotifications, 1);
    assert.deepEqual(raisedKeys(), ['process_off db', 'process_on web']);

    db.prepare("UPDATE notifications SET state = 'delivered'").run();
    assert.equal(applyRetention(db, NOW + 2 * DAY, 30, formatUtcTimestamp).deletedNotifications, 1);
    assert.deepEqual(raisedKeys(), ['process_off db'], 'the waiting one went: the `on` after it too');
    assert.equal(applyRetention(db, NOW + 40 * DAY, 30, formatUtcTimestamp).deletedNotifications, 1);
    assert.deepEqual(raisedKeys(), [], 'no notification left: none of them can make one news');
  });
});
