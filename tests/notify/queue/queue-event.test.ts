import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { NotifyConfig, RawNotifyConfig } from '../../../src/notify/config/notify-types.js';
import { normalizeNotify } from '../../../src/notify/config/normalize-notify.js';
import { notifierFor, queueEvent } from '../../../src/notify/queue/queue-event.js';
import { recordRaised } from '../../../src/notify/queue/raised-events.js';
import type { WatchdogEvent } from '../../../src/notify/watchdog-event.js';
import { directWriter, type AuditWriter } from '../../../src/store/audit-writer.js';
import {
  dropPendingBefore,
  markAttemptFailed,
  markDelivered,
  type NotificationRow,
} from '../../../src/notify/queue/notification-rows.js';
import { openStore, type Store } from '../../../src/store/open-store.js';
import { formatUtcTimestamp } from '../../../src/time/format-utc-timestamp.js';
import Database from 'better-sqlite3';
import { openAuditStore, STAND_IN_ID_BASE } from '../../../src/store/audit-store.js';
import { readJournal } from '../../../src/store/journal.js';
import { onCleanup } from '../../helpers/cleanup.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { recordingLogger } from '../../helpers/recording-logger.js';

const NOW = Date.parse('2026-06-30T12:00:00.000Z');
const MINUTE = 60_000;

/** A fresh audit database in a temp folder, closed when the file's tests end. */
function freshStore(): Store {
  const db = openStore(join(makeTempDir(), 'state', 'watchdog.db'));
  onCleanup(() => db.close());
  return db;
}

const notifyOf = (raw: RawNotifyConfig): NotifyConfig => normalizeNotify(raw, '/etc/watchdog');

const rows = (db: Store): NotificationRow[] =>
  db.prepare<[], NotificationRow>('SELECT * FROM notifications ORDER BY id').all();

/** An event about `processKey` at `atMs`. */
function event(kind: WatchdogEvent['kind'], processKey: string, atMs: number): WatchdogEvent {
  return {
    kind,
    at: formatUtcTimestamp(new Date(atMs)),
    processKey,
    displayName: `The ${processKey} app`,
    summary: `${processKey}: ${kind}`,
    details: { n: 1, gone: undefined },
  };
}

/**
 * An audit store on a fresh database with its journal beside it, opened at `nowMs` as a
 * tick opens it (`run`), and the notifier a tick makes on it (`raiseWith`): for the cases
 * where the database is locked or away and a stand-in keeps the rows.
 */
function journaledNotifier(notify: NotifyConfig) {
  const dir = makeTempDir();
  const where = { dbPath: join(dir, 'watchdog.db'), journalPath: join(dir, 'watchdog.db.journal') };
  const run = (nowMs: number) =>
    openAuditStore({ ...where, logger: recordingLogger(), now: () => new Date(nowMs), busyTimeoutMs: 50 });
  const raiseWith = (store: ReturnType<typeof run>, nowMs: number) =>
    notifierFor(notify, { audit: store, host: () => 'h', now: () => new Date(nowMs), logger: recordingLogger() });
  return { where, run, raiseWith };
}

describe('queueEvent', () => {
  it('queues an event for each channel that subscribes to it, and only those, as pending', () => {
    const db = freshStore();
    const notify = notifyOf({
      channels: {
        ops: { type: 'webhook', url: 'https://127.0.0.1/hook', events: ['gave_up', 'recovery_failed'] },
        mail: {
          type: 'email',
          host: '127.0.0.1',
          from: 'a@example.com',
          to: ['b@example.com'],
          events: ['reboot_done'],
        },
        all: { type: 'command', command: './notify.sh' },
      },
    });
    const outcome = queueEvent(db, notify, event('gave_up', 'web', NOW), 'gateway-17', NOW);
    assert.deepEqual(outcome, { queued: ['ops', 'all'], repeats: [] });
    const queued = rows(db);
    assert.deepEqual(
      queued.map((row) => [row.channel, row.event, row.subject, row.created_at, row.state, row.attempts]),
      [
        ['ops', 'gave_up', 'web', formatUtcTimestamp(new Date(NOW)), 'pending', 0],
        ['all', 'gave_up', 'web', formatUtcTimestamp(new Date(NOW)), 'pending', 0],
      ],
    );
    assert.deepEqual(JSON.parse(queued[0]?.payload ?? ''), {
      version: 1,
      event: 'gave_up',
      time: formatUtcTimestamp(new Date(NOW)),
      host: 'gateway-17',
      process_key: 'web',
      display_name: 'The web app',
      interface: null,
      zone: null,
      summary: 'web: gave_up',
      details: { n: 1 },
    });
  });

  it('queues nothing for an event no channel subscribes to', () => {
    const db = freshStore();
    const notify = notifyOf({
      channels: { ops: { type: 'webhook', url: 'https://127.0.0.1/hook', events: ['gave_up'] } },
    });
    assert.deepEqual(queueEvent(db, notify, event('recovery_started', 'web', NOW), 'h', NOW), {
      queued: [],
      repeats: [],
    });
    assert.deepEqual(rows(db), []);
  });

  it('holds the same event for the same subject on a channel within repeat_after_seconds, not another subject, event or channel', () => {
    const db = freshStore();
    const notify = notifyOf({
      repeat_after_seconds: 600,
      channels: {
        ops: { type: 'webhook', url: 'https://127.0.0.1/hook' },
        sms: { type: 'command', command: './sms', repeat_after_seconds: 0 },
      },
    });
    assert.deepEqual(queueEvent(db, notify, event('recovery_failed', 'web', NOW), 'h', NOW), {
      queued: ['ops', 'sms'],
      repeats: [],
    });
    const later = NOW + 5 * MINUTE;
    assert.deepEqual(
      queueEvent(db, notify, event('recovery_failed', 'web', later), 'h', later),
      { queued: ['sms'], repeats: ['ops'] },
      'same event, same subject: held on ops, sent on sms (0: always)',
    );
    assert.deepEqual(
      queueEvent(db, notify, event('recovery_failed', 'db', later), 'h', later),
      { queued: ['ops', 'sms'], repeats: [] },
      'another subject',
    );
    assert.deepEqual(
      queueEvent(db, notify, event('recovery_started', 'web', later), 'h', later),
      { queued: ['ops', 'sms'], repeats: [] },
      'another event',
    );
    const afterWindow = NOW + 10 * MINUTE;
    assert.deepEqual(
      queueEvent(db, notify, event('recovery_failed', 'web', afterWindow), 'h', afterWindow),
      { queued: ['ops', 'sms'], repeats: [] },
      'the window is over',
    );
    assert.equal(
      rows(db).filter((row) => row.channel === 'ops' && row.event === 'recovery_failed' && row.subject === 'web')
        .length,
      2,
    );
  });

  it('counts by the interface for a network event', () => {
    const db = freshStore();
    const notify = notifyOf({ channels: { ops: { type: 'webhook', url: 'https://127.0.0.1/hook' } } });
    const degraded = (name: string, atMs: number): WatchdogEvent => ({
      kind: 'network_degraded',
      at: formatUtcTimestamp(new Date(atMs)),
      interface: name,
      summary: `network ${name} down`,
      details: {},
    });
    assert.deepEqual(queueEvent(db, notify, degraded('eth0', NOW), 'h', NOW).queued, ['ops']);
    assert.deepEqual(queueEvent(db, notify, degraded('eth0', NOW + MINUTE), 'h', NOW + MINUTE).repeats, ['ops']);
    assert.deepEqual(queueEvent(db, notify, degraded('wlan0', NOW + MINUTE), 'h', NOW + MINUTE).queued, ['ops']);
    assert.deepEqual(
      rows(db).map((row) => row.subject),
      ['eth0', 'wlan0'],
    );
  });

  it('keeps at most max_queued pending per channel: the oldest are dropped, with why', () => {
    const db = freshStore();
    const notify = notifyOf({
      max_queued: 2,
      channels: {
        ops: { type: 'webhook', url: 'https://127.0.0.1/hook', repeat_after_seconds: 0 },
        sms: { type: 'command', command: './sms', events: ['gave_up'] },
      },
    });
    for (const [index, key] of ['a', 'b', 'c', 'd'].entries())
      queueEvent(db, notify, event('recovery_failed', key, NOW + index * MINUTE), 'h', NOW + index * MINUTE);
    queueEvent(db, notify, event('gave_up', 'a', NOW + 5 * MINUTE), 'h', NOW + 5 * MINUTE);
    assert.deepEqual(
      rows(db).map((row) => [row.channel, row.subject, row.event, row.state, row.last_error]),
      [
        ['ops', 'a', 'recovery_failed', 'dropped', 'more than notify.max_queued (2) notifications waited'],
        ['ops', 'b', 'recovery_failed', 'dropped', 'more than notify.max_queued (2) notifications waited'],
        ['ops', 'c', 'recovery_failed', 'dropped', 'more than notify.max_queued (2) notifications waited'],
        ['ops', 'd', 'recovery_failed', 'pending', null],
        ['ops', 'a', 'gave_up', 'pending', null],
        ['sms', 'a', 'gave_up', 'pending', null],
      ],
    );
  });

  it('counts only pending notifications against max_queued', () => {
    const db = freshStore();
    const notify = notifyOf({
      max_queued: 1,
      channels: { ops: { type: 'webhook', url: 'https://127.0.0.1/hook', repeat_after_seconds: 0 } },
    });
    queueEvent(db, notify, event('recovery_failed', 'a', NOW), 'h', NOW);
    db.prepare("UPDATE notifications SET state = 'delivered'").run();
    queueEvent(db, notify, event('recovery_failed', 'b', NOW + MINUTE), 'h', NOW + MINUTE);
    assert.deepEqual(
      rows(db).map((row) => [row.subject, row.state]),
      [
        ['a', 'delivered'],
        ['b', 'pending'],
      ],
    );
  });
});

describe('queueEvent: what changed the story is every event raised for the subject', () => {
  /** The README's SMS channel: told of `gave_up` alone, within the hour. */
  const sms = (): NotifyConfig =>
    notifyOf({
      repeat_after_seconds: 3600,
      channels: { sms: { type: 'command', command: './sms', events: ['gave_up'] } },
    });
  const raised = (db: Store): unknown[] =>
    db.prepare('SELECT raised_key, event, subject, raised_at, raised_seq FROM raised_events ORDER BY raised_key').all();

  it('tells a channel of gave_up alone of a second gave_up after a person ran `on`, though `on` was queued nowhere', () => {
    const db = freshStore();
    const notify = sms();
    assert.deepEqual(queueEvent(db, notify, event('gave_up', 'web', NOW), 'h', NOW), { queued: ['sms'], repeats: [] });
    const onAt = NOW + 5 * MINUTE;
    assert.deepEqual(queueEvent(db, notify, event('process_on', 'web', onAt), 'h', onAt), { queued: [], repeats: [] });
    assert.deepEqual(
      raised(db),
      [
        {
          raised_key: 'gave_up web',
          event: 'gave_up',
          subject: 'web',
          raised_at: formatUtcTimestamp(new Date(NOW)),
          raised_seq: 1,
        },
        {
          raised_key: 'process_on web',
          event: 'process_on',
          subject: 'web',
          raised_at: formatUtcTimestamp(new Date(onAt)),
          raised_seq: 1,
        },
      ],
      'recorded whether or not a channel takes it, with where the queue stood',
    );
    const again = NOW + 10 * MINUTE;
    assert.deepEqual(
      queueEvent(db, notify, event('gave_up', 'web', again), 'h', again),
      { queued: ['sms'], repeats: [] },
      'the story changed: news again',
    );
    const third = NOW + 15 * MINUTE;
    assert.deepEqual(
      queueEvent(db, notify, event('gave_up', 'web', third), 'h', third),
      { queued: [], repeats: ['sms'] },
      'nothing changed since the second: a repeat',
    );
    queueEvent(db, notify, event('process_on', 'db', third), 'h', third);
    assert.deepEqual(
      queueEvent(db, notify, event('gave_up', 'web', third), 'h', third),
      { queued: [], repeats: ['sms'] },
      'another subject’s `on` changes nothing of web’s',
    );
  });

  it('tells recovery_failed again after a person ran `off` and `on`, or reset the guard (recoveries_resumed)', () => {
    const db = freshStore();
    const notify = notifyOf({
      repeat_after_seconds: 3600,
      channels: { sms: { type: 'command', command: './sms', events: ['recovery_failed'] } },
    });
    const at = (minutes: number): number => NOW + minutes * MINUTE;
    queueEvent(db, notify, event('recovery_failed', 'web', at(0)), 'h', at(0));
    queueEvent(db, notify, event('process_off', 'web', at(5)), 'h', at(5));
    queueEvent(db, notify, event('process_on', 'web', at(15)), 'h', at(15));
    assert.deepEqual(
      queueEvent(db, notify, event('recovery_failed', 'web', at(20)), 'h', at(20)).queued,
      ['sms'],
      'off and on changed the story',
    );
    assert.deepEqual(queueEvent(db, notify, event('recovery_failed', 'web', at(25)), 'h', at(25)).repeats, ['sms']);
    // `reset` raises no event: it leaves its mark among the raised events.
    recordRaised(db, 'recoveries_resumed', 'web', formatUtcTimestamp(new Date(at(30))));
    assert.deepEqual(
      queueEvent(db, notify, event('recovery_failed', 'web', at(35)), 'h', at(35)).queued,
      ['sms'],
      'a reset changed the story',
    );
  });

  it('judges "since" by order, not time: a clock stepped back, then forward, between the two', () => {
    const db = freshStore();
    const notify = sms();
    queueEvent(db, notify, event('gave_up', 'web', NOW), 'h', NOW);
    // The clock is set back two hours, a person runs `on`, then NTP sets it right.
    const onAt = NOW - 2 * 60 * MINUTE;
    queueEvent(db, notify, event('process_on', 'web', onAt), 'h', onAt);
    const later = NOW + 20 * MINUTE;
    assert.deepEqual(
      queueEvent(db, notify, event('gave_up', 'web', later), 'h', later),
      { queued: ['sms'], repeats: [] },
      'the `on` came after the last gave_up, whatever its time says',
    );
  });

  it('an `on` raised before the last gave_up, though its time is later (a clock ahead, then set right), changes nothing', () => {
    const db = freshStore();
    const notify = sms();
    const onAt = NOW + 30 * MINUTE;
    queueEvent(db, notify, event('process_on', 'web', onAt), 'h', onAt);
    queueEvent(db, notify, event('gave_up', 'web', NOW), 'h', NOW);
    const later = NOW + 10 * MINUTE;
    assert.deepEqual(queueEvent(db, notify, event('gave_up', 'web', later), 'h', later), {
      queued: [],
      repeats: ['sms'],
    });
  });

  it('a last gave_up "in the future" (the clock set back since) is sent again, `on` or not', () => {
    const db = freshStore();
    const notify = sms();
    queueEvent(db, notify, event('gave_up', 'web', NOW), 'h', NOW);
    const back = NOW - 60 * MINUTE;
    assert.deepEqual(queueEvent(db, notify, event('gave_up', 'web', back), 'h', back), {
      queued: ['sms'],
      repeats: [],
    });
  });

  it('records the event through the journal when the database is locked, and judges from it once replayed', () => {
    const notify = sms();
    const { where, run, raiseWith } = journaledNotifier(notify);

    const first = run(NOW);
    raiseWith(first, NOW)(event('gave_up', 'web', NOW));
    first.close();

    // Another connection holds the write lock while a person runs `on`.
    const locker = new Database(where.dbPath, { fileMustExist: true });
    locker.exec('BEGIN IMMEDIATE');
    const onAt = NOW + 5 * MINUTE;
    const locked = run(onAt);
    raiseWith(locked, onAt)(event('process_on', 'web', onAt));
    assert.notEqual(locked.degraded, undefined, 'the run stood in for the locked database');
    locked.close();
    locker.exec('ROLLBACK');
    locker.close();
    const journal = readJournal(where.journalPath);
    assert.deepEqual(
      journal.kind === 'read' ? journal.journal.tables.raised_events?.map((row) => row.raised_key) : journal,
      ['process_on web'],
      'the journal keeps the raised event',
    );

    const againAt = NOW + 10 * MINUTE;
    const third = run(againAt);
    raiseWith(third, againAt)(event('gave_up', 'web', againAt));
    const queued = third.db
      .prepare<[], { event: string; created_at: string }>(
        "SELECT event, created_at FROM notifications WHERE channel = 'sms' ORDER BY id",
      )
      .all();
    third.close();
    assert.deepEqual(queued, [
      { event: 'gave_up', created_at: formatUtcTimestamp(new Date(NOW)) },
      { event: 'gave_up', created_at: formatUtcTimestamp(new Date(againAt)) },
    ]);
  });

  it('orders an event raised by a stand-in made from nothing after the database’s notifications once replayed, not forever after', () => {
    const notify = notifyOf({
      repeat_after_seconds: 3600,
      channels: {
        sms: { type: 'command', command: './sms', events: ['recovery_failed'] },
        log: { type: 'command', command: './log', events: ['process_off'] },
      },
    });
    const { where, run, raiseWith } = journaledNotifier(notify);

    const first = run(NOW);
    raiseWith(first, NOW)(event('recovery_failed', 'web', NOW));
    first.close();

    // The database cannot even be read for a run (a folder where the file was): its stand-in starts from nothing.
    renameSync(where.dbPath, `${where.dbPath}.away`);
    mkdirSync(where.dbPath);
    const outAt = NOW + MINUTE;
    const away = run(outAt);
    assert.equal(away.stateUnknown, true, 'a stand-in made from nothing');
    // web recovers (no channel takes recovery_succeeded); then db is turned off (one channel takes that).
    raiseWith(away, outAt)(event('recovery_succeeded', 'web', outAt));
    raiseWith(away, outAt)(event('process_off', 'db', outAt));
    away.close();
    rmdirSync(where.dbPath);
    renameSync(`${where.dbPath}.away`, where.dbPath);

    // Back on the database: a crash loop of web, one recovery_failed a minute.
    const sent = [2, 3, 4, 5].map((n) => {
      const store = run(NOW + n * MINUTE);
      raiseWith(store, NOW + n * MINUTE)(event('recovery_failed', 'web', NOW + n * MINUTE));
      const count = store.db
        .prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM notifications WHERE channel = 'sms'")
        .get()?.n;
      store.close();
      return count;
    });
    assert.deepEqual(sent, [2, 2, 2, 2], 'news once after the recovery the stand-in saw, then one per window');

    const db = new Database(where.dbPath, { readonly: true });
    onCleanup(() => db.close());
    const seqOf = (key: string) =>
      db.prepare<[string], { raised_seq: number }>('SELECT raised_seq FROM raised_events WHERE raised_key = ?').get(key)
        ?.raised_seq;
    const offId = db.prepare<[], { id: number }>("SELECT id FROM notifications WHERE event = 'process_off'").get()?.id;
    assert.ok(offId !== undefined && offId > STAND_IN_ID_BASE, `the stand-in's notification keeps its id: ${offId}`);
    assert.equal(seqOf('recovery_succeeded web'), offId - 1, 'raised before the stand-in queued process_off: kept so');
    assert.equal(seqOf('process_off db'), offId);
  });

  it('clamps a raised event a stand-in queued nothing after to the database’s last notification', () => {
    const notify = sms();
    const { where, run, raiseWith } = journaledNotifier(notify);
    const first = run(NOW);
    raiseWith(first, NOW)(event('gave_up', 'web', NOW));
    raiseWith(first, NOW)(event('gave_up', 'db', NOW));
    first.close();
    renameSync(where.dbPath, `${where.dbPath}.away`);
    mkdirSync(where.dbPath);
    const away = run(NOW + MINUTE);
    raiseWith(away, NOW + MINUTE)(event('process_on', 'web', NOW + MINUTE));
    away.close();
    rmdirSync(where.dbPath);
    renameSync(`${where.dbPath}.away`, where.dbPath);
    run(NOW + 2 * MINUTE).close();
    const db = new Database(where.dbPath, { readonly: true });
    onCleanup(() => db.close());
    assert.deepEqual(raised(db), [
      {
        raised_key: 'gave_up db',
        event: 'gave_up',
        subject: 'db',
        raised_at: formatUtcTimestamp(new Date(NOW)),
        raised_seq: 2,
      },
      {
        raised_key: 'gave_up web',
        event: 'gave_up',
        subject: 'web',
        raised_at: formatUtcTimestamp(new Date(NOW)),
        raised_seq: 1,
      },
      {
        // Each gave_up opened an incident: its story mark, before it was queued.
        raised_key: 'incident_changed db',
        event: 'incident_changed',
        subject: 'db',
        raised_at: formatUtcTimestamp(new Date(NOW)),
        raised_seq: 1,
      },
      {
        raised_key: 'incident_changed web',
        event: 'incident_changed',
        subject: 'web',
        raised_at: formatUtcTimestamp(new Date(NOW)),
        raised_seq: 0,
      },
      {
        raised_key: 'process_on web',
        event: 'process_on',
        subject: 'web',
        raised_at: formatUtcTimestamp(new Date(NOW + MINUTE)),
        raised_seq: 2,
      },
    ]);
  });
});

describe('queueEvent: a repeat of what reached no one is news', () => {
  const sms = (raw: Partial<RawNotifyConfig> = {}): NotifyConfig =>
    notifyOf({
      repeat_after_seconds: 3600,
      ...raw,
      channels: { sms: { type: 'command', command: './sms', events: ['recovery_failed'] } },
    });
  const at = (ms: number): string => formatUtcTimestamp(new Date(ms));
  const stateOf = (db: Store, id: number): string | undefined =>
    db.prepare<[number], { state: string }>('SELECT state FROM notifications WHERE id = ?').get(id)?.state;

  it('sends a recovery_failed again when the last one was dropped by max_queued', () => {
    const db = freshStore();
    const notify = sms({ max_queued: 2 });
    // The uplink is down: nothing is delivered; three apps fail, the oldest (web's) is dropped.
    queueEvent(db, notify, event('recovery_failed', 'web', NOW), 'h', NOW);
    queueEvent(db, notify, event('recovery_failed', 'db', NOW + MINUTE), 'h', NOW + MINUTE);
    queueEvent(db, notify, event('recovery_failed', 'mqtt', NOW + 2 * MINUTE), 'h', NOW + 2 * MINUTE);
    assert.equal(stateOf(db, 1), 'dropped');
    // web fails again ten minutes later: the person has heard nothing of web yet.
    const again = NOW + 10 * MINUTE;
    assert.deepEqual(queueEvent(db, notify, event('recovery_failed', 'web', again), 'h', again), {
      queued: ['sms'],
      repeats: [],
    });
  });

  it('sends a recovery_failed again when the last one was dropped as too old', () => {
    const db = freshStore();
    const notify = sms();
    queueEvent(db, notify, event('recovery_failed', 'web', NOW), 'h', NOW);
    assert.equal(dropPendingBefore(db, 'sms', at(NOW + MINUTE), 'older than notify.max_age_hours'), 1);
    const again = NOW + 10 * MINUTE;
    assert.deepEqual(queueEvent(db, notify, event('recovery_failed', 'web', again), 'h', again).queued, ['sms']);
  });

  it('sends a recovery_failed again when the last one was refused for good (a revoked token, since fixed)', () => {
    const db = freshStore();
    const notify = sms();
    queueEvent(db, notify, event('recovery_failed', 'web', NOW), 'h', NOW);
    markAttemptFailed(db, 1, at(NOW + MINUTE), 1, 'HTTP 401', 'failed');
    const again = NOW + 20 * MINUTE;
    assert.deepEqual(queueEvent(db, notify, event('recovery_failed', 'web', again), 'h', again), {
      queued: ['sms'],
      repeats: [],
    });
  });

  it('still holds one back while the last waits or once it was delivered', () => {
    const db = freshStore();
    const notify = sms();
    queueEvent(db, notify, event('recovery_failed', 'web', NOW), 'h', NOW);
    const waiting = NOW + 5 * MINUTE;
    assert.deepEqual(
      queueEvent(db, notify, event('recovery_failed', 'web', waiting), 'h', waiting).repeats,
      ['sms'],
      'pending: it will go out',
    );
    markDelivered(db, 1, at(NOW + 6 * MINUTE), 1);
    const told = NOW + 10 * MINUTE;
    assert.deepEqual(queueEvent(db, notify, event('recovery_failed', 'web', told), 'h', told).repeats, ['sms']);
  });

  it('judges the window from the last one delivered, not a later one refused', () => {
    const notify = sms();
    const other = freshStore();
    queueEvent(other, notify, event('recovery_failed', 'web', NOW), 'h', NOW);
    markDelivered(other, 1, at(NOW + MINUTE), 1);
    const later = NOW + 2 * 60 * MINUTE;
    queueEvent(other, notify, event('recovery_failed', 'web', later), 'h', later);
    markAttemptFailed(other, 2, at(later + MINUTE), 1, 'HTTP 401', 'failed');
    const after = later + 10 * MINUTE;
    assert.deepEqual(
      queueEvent(other, notify, event('recovery_failed', 'web', after), 'h', after).queued,
      ['sms'],
      'the last delivered is older than the window; the refused one told no one',
    );
  });
});

describe('notifierFor', () => {
  /** A writer that counts its writes and fails each with `error`. */
  function failingWriter(db: Store, error: Error): AuditWriter & { writes: number } {
    const writer = {
      db,
      writes: 0,
      write<T>(): T {
        writer.writes += 1;
        throw error;
      },
    };
    return writer;
  }

  it('does nothing without a notify section, or with no channels', () => {
    const db = freshStore();
    const writer = failingWriter(db, new Error('must not be written'));
    const logger = recordingLogger();
    for (const notify of [undefined, notifyOf({ channels: {} })]) {
      const raise = notifierFor(notify, {
        audit: writer,
        host: () => assert.fail('the host name is asked only for an event to queue'),
        now: () => new Date(NOW),
        logger,
      });
      raise(event('gave_up', 'web', NOW));
    }
    assert.equal(writer.writes, 0);
    assert.deepEqual(logger.lines, []);
  });

  it('queues through the audit writer, at the time of its clock, and logs what it queued and held', () => {
    const db = freshStore();
    const logger = recordingLogger();
    let nowMs = NOW;
    const raise = notifierFor(notifyOf({ channels: { ops: { type: 'webhook', url: 'https://127.0.0.1/hook' } } }), {
      audit: directWriter(db),
      host: () => 'gateway-17',
      now: () => new Date(nowMs),
      logger,
    });
    raise(event('gave_up', 'web', NOW));
    nowMs += MINUTE;
    raise(event('gave_up', 'web', nowMs));
    assert.deepEqual(
      rows(db).map((row) => [row.channel, row.event, row.subject, (JSON.parse(row.payload) as { host: string }).host]),
      [['ops', 'gave_up', 'web', 'gateway-17']],
    );
    assert.deepEqual(logger.lines, [
      'debug notify: gave_up queued for ops: web: gave_up',
      'info notify: gave_up not sent again to ops (repeat_after_seconds): web: gave_up',
    ]);
  });

  it('never throws when the event cannot be queued: it logs an error', () => {
    const db = freshStore();
    const writer = failingWriter(db, new Error('SQLITE_FULL: database or disk is full'));
    const logger = recordingLogger();
    const raise = notifierFor(notifyOf({ channels: { ops: { type: 'webhook', url: 'https://127.0.0.1/hook' } } }), {
      audit: writer,
      host: () => 'h',
      now: () => new Date(NOW),
      logger,
    });
    assert.doesNotThrow(() => raise(event('recovery_failed', 'web', NOW)));
    assert.equal(writer.writes, 1);
    assert.deepEqual(logger.lines, [
      'error notify: cannot queue recovery_failed (web: recovery_failed): SQLITE_FULL: database or disk is full',
    ]);
    assert.deepEqual(rows(db), []);
  });
});
