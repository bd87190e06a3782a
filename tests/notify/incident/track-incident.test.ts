// Incidents on real SQLite files, through the notifier a tick uses: opened by the first
// event about a failure, carried by every event of it, closed by the one that ends it, in
// the transaction that queues that event; kept through the journal when the database is
// locked, and across a reopen (a reboot).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { RawNotifyConfig } from '../../../src/notify/config/notify-types.js';
import { normalizeNotify } from '../../../src/notify/config/normalize-notify.js';
import { notifierFor } from '../../../src/notify/queue/queue-event.js';
import { reminderFor } from '../../../src/notify/queue/queue-reminder.js';
import type { RaiseEvent, WatchdogEvent } from '../../../src/notify/watchdog-event.js';
import { openAuditStore, type AuditStore } from '../../../src/store/audit-store.js';
import { readOpenIncident } from '../../../src/store/incidents.js';
import { openStore } from '../../../src/store/open-store.js';
import { formatUtcTimestamp } from '../../../src/time/format-utc-timestamp.js';
import { onCleanup } from '../../helpers/cleanup.js';
import { recordingLogger } from '../../helpers/recording-logger.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { closeUncheckedIncidents } from '../../../src/tick/close-unchecked-incidents.js';
import type { WatchdogConfig } from '../../../src/config/types.js';

const T0 = Date.parse('2026-12-07T02:00:00.000Z');
const MINUTE = 60_000;

interface Place {
  dbPath: string;
  journalPath: string;
}

function place(): Place {
  const dir = makeTempDir('watchdog-incidents-');
  return { dbPath: join(dir, 'watchdog.db'), journalPath: join(dir, 'watchdog.db.journal') };
}

/** A run: the store opened as a tick opens it, its notifier and reminder, a clock the test sets. */
function run(where: Place, raw: RawNotifyConfig, clock: { ms: number }) {
  const logger = recordingLogger();
  const store = openAuditStore({ ...where, logger, now: () => new Date(clock.ms), busyTimeoutMs: 50 });
  let closed = false;
  onCleanup(() => {
    if (!closed) store.close();
  });
  const notify = normalizeNotify(raw, '/etc/watchdog');
  const deps = { audit: store, host: () => 'gw-17', now: () => new Date(clock.ms), logger };
  const raise = notifierFor(notify, deps);
  return {
    store,
    logger,
    raise,
    /** Raises `event` with the clock set to its time, as the tick that raised it would have. */
    raiseAt: (event: WatchdogEvent): void => {
      clock.ms = Date.parse(event.at);
      raise(event);
    },
    remind: reminderFor(notify, deps),
    close: () => {
      closed = true;
      store.close();
    },
  };
}

const ALL: RawNotifyConfig = { repeat_after_seconds: 3600, channels: { ops: { type: 'command', command: 'true' } } };

function event(
  kind: WatchdogEvent['kind'],
  atMs: number,
  about: Partial<WatchdogEvent> = {},
  details = {},
): WatchdogEvent {
  return {
    kind,
    at: formatUtcTimestamp(new Date(atMs)),
    processKey: 'web',
    summary: `web: ${kind}`,
    details,
    ...about,
  };
}

interface Told {
  channel: string;
  event: string;
  incident: string | null;
  details: Record<string, unknown>;
}

/** What was queued, read from the file through a connection of its own. */
function told(dbPath: string): Told[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare<[], { channel: string; event: string; payload: string }>(
        'SELECT channel, event, payload FROM notifications ORDER BY id',
      )
      .all()
      .map((row) => {
        const details = (JSON.parse(row.payload) as { details: Record<string, unknown> }).details;
        return {
          channel: row.channel,
          event: row.event,
          incident: (details.incident_id as string | undefined) ?? null,
          details,
        };
      });
  } finally {
    db.close();
  }
}

function holdWriteLock(dbPath: string): () => void {
  const locker = new Database(dbPath, { fileMustExist: true });
  locker.exec('BEGIN IMMEDIATE');
  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    locker.exec('ROLLBACK');
    locker.close();
  };
  onCleanup(release);
  return release;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('incidents', () => {
  it('every event of an incident carries one id; recovered closes it once; the next failure opens a new one', () => {
    const where = place();
    const clock = { ms: T0 };
    const tick = run(where, ALL, clock);
    tick.raise(event('recovery_started', T0, {}, { kind: 'recovery', recovery_id: 1 }));
    tick.raise(event('recovery_failed', T0 + MINUTE, {}, { kind: 'recovery', recovery_id: 1 }));
    tick.raise(event('recovery_started', T0 + 2 * MINUTE, {}, { kind: 'recovery', recovery_id: 2 }));
    tick.raise(event('recovery_succeeded', T0 + 2 * MINUTE, {}, { kind: 'recovery', recovery_id: 2 }));
    const open = readOpenIncident(tick.store.db, 'process_state', 'web');
    assert.deepEqual(open && { ...open, id: UUID.test(open.id) }, {
      id: true,
      openedAt: formatUtcTimestamp(new Date(T0)),
      recoveryId: 2,
    });
    tick.raise(event('process_recovered', T0 + 3 * MINUTE));
    // Raised again (a run that died after queueing it would raise it again): not told twice.
    tick.raise(event('process_recovered', T0 + 4 * MINUTE));
    assert.equal(readOpenIncident(tick.store.db, 'process_state', 'web'), undefined);
    // A second failure within repeat_after_seconds: a new incident, and news.
    tick.raise(event('recovery_started', T0 + 5 * MINUTE, {}, { kind: 'recovery', recovery_id: 3 }));
    // Another process's incident is its own.
    tick.raise(event('gave_up', T0 + 5 * MINUTE, { processKey: 'db' }));
    tick.close();
    const rows = told(where.dbPath);
    assert.deepEqual(
      rows.map((row) => row.event),
      // The second attempt's recovery_started is a repeat within the hour (a crash loop's rule).
      ['recovery_started', 'recovery_failed', 'recovery_succeeded', 'process_recovered', 'recovery_started', 'gave_up'],
    );
    const first = rows[0]?.incident;
    assert.ok(first !== null && first !== undefined && UUID.test(first), `an id: ${String(first)}`);
    assert.deepEqual(
      rows.slice(0, 4).map((row) => row.incident),
      [first, first, first, first],
    );
    const [second, other] = [rows[4]?.incident, rows[5]?.incident];
    assert.ok(second !== null && second !== undefined && second !== first, 'a new incident, a new id');
    assert.ok(other !== null && other !== undefined && other !== second, "another process's own id");
  });

  it('a blip that raised nothing opens nothing: recovered is not raised for it', () => {
    const where = place();
    const tick = run(where, ALL, { ms: T0 });
    tick.raise(event('process_recovered', T0));
    tick.raise(event('process_still_down', T0));
    // A person's restart of a working app is no incident either.
    tick.raise(event('recovery_started', T0, {}, { kind: 'restart', recovery_id: 1 }));
    tick.raise(event('recovery_succeeded', T0, {}, { kind: 'restart', recovery_id: 1 }));
    tick.close();
    assert.deepEqual(
      told(where.dbPath).map((row) => [row.event, row.incident]),
      [
        ['recovery_started', null],
        ['recovery_succeeded', null],
      ],
    );
  });

  it('`off` closes the incident with its id: a person took over; `on` after it starts none', () => {
    const where = place();
    const tick = run(where, ALL, { ms: T0 });
    tick.raise(event('gave_up', T0));
    tick.raise(event('process_off', T0 + MINUTE));
    tick.raise(event('process_on', T0 + 2 * MINUTE));
    tick.raise(event('process_recovered', T0 + 3 * MINUTE));
    tick.close();
    const rows = told(where.dbPath);
    assert.deepEqual(
      rows.map((row) => row.event),
      ['gave_up', 'process_off', 'process_on'],
    );
    assert.equal(rows[1]?.incident, rows[0]?.incident);
    assert.equal(rows[2]?.incident, null);
  });

  it('kept through the journal while the database is locked: recovered told once, with the id opened before', () => {
    const where = place();
    openStore(where.dbPath).close();
    const clock = { ms: T0 };
    const first = run(where, ALL, clock);
    first.raise(event('recovery_started', T0, {}, { kind: 'recovery', recovery_id: 1 }));
    first.close();
    const opened = told(where.dbPath)[0]?.incident;
    assert.ok(typeof opened === 'string');

    // A run stood in for: it closes the incident and queues recovered, both in the journal.
    const release = holdWriteLock(where.dbPath);
    const stood = run(where, ALL, clock);
    stood.raise(event('process_recovered', T0 + MINUTE));
    assert.ok(stood.store.degraded !== undefined, 'stood in for');
    stood.raise(event('process_recovered', T0 + MINUTE));
    // A new failure while stood in: a new incident, kept in the journal too.
    stood.raise(event('recovery_refused', T0 + 2 * MINUTE, { processKey: 'db' }));
    stood.close();
    release();

    const next = run(where, ALL, clock);
    assert.equal(next.store.degraded, undefined);
    // The journal written back: the incident is closed; a later run raising recovered again tells nothing.
    next.raise(event('process_recovered', T0 + 3 * MINUTE));
    next.raise(event('process_recovered', T0 + 3 * MINUTE, { processKey: 'db' }));
    next.close();
    const rows = told(where.dbPath).map((row) => [row.event, row.incident]);
    const refused = rows[2]?.[1];
    assert.ok(typeof refused === 'string' && refused !== opened);
    assert.deepEqual(rows, [
      ['recovery_started', opened],
      ['process_recovered', opened],
      ['recovery_refused', refused],
      ['process_recovered', refused],
    ]);
  });

  it("an interface's healed event carries its degraded one's id, across a reopen (a reboot between)", () => {
    const where = place();
    const clock = { ms: T0 };
    const about = { processKey: undefined, interface: 'wlan0' };
    const before = run(where, ALL, clock);
    before.raise(event('network_degraded', T0, about));
    before.raise(event('reboot_done', T0 + MINUTE, about));
    before.close();
    const after = run(where, ALL, clock);
    after.raise(event('network_healed', T0 + 5 * MINUTE, about, { rung: null }));
    after.raise(event('network_degraded', T0 + 6 * MINUTE, about));
    after.close();
    const rows = told(where.dbPath);
    const id = rows[0]?.incident;
    assert.ok(typeof id === 'string' && UUID.test(id));
    assert.deepEqual(
      rows.map((row) => [row.event, row.incident === id]),
      [
        ['network_degraded', true],
        ['reboot_done', true],
        ['network_healed', true],
        ['network_degraded', false],
      ],
    );
    assert.ok(typeof rows[3]?.incident === 'string', 'the next outage has an id of its own');
  });
});

describe('reminders', () => {
  const REMIND: RawNotifyConfig = {
    repeat_after_seconds: 3600,
    remind_after_seconds: 600,
    channels: {
      ops: { type: 'command', command: 'true' },
      pager: { type: 'command', command: 'true', remind_after_seconds: 1800 },
      quiet: { type: 'command', command: 'true', remind_after_seconds: 0 },
      sms: { type: 'command', command: 'true', events: ['gave_up'] },
    },
  };
  const stillDown = (ms: number): WatchdogEvent => event('process_still_down', ms, {}, { state: 'timed_out' });

  /** The reminders queued, as `minute channel`. */
  const reminders = (dbPath: string): string[] =>
    told(dbPath)
      .filter((row) => row.event === 'process_still_down')
      .map((row) => `${row.channel}`);

  it('each channel at its own remind_after_seconds, outside repeat_after_seconds; none when off or not subscribed', () => {
    const where = place();
    const clock = { ms: T0 };
    const tick = run(where, REMIND, clock);
    tick.raise(event('gave_up', T0));
    const seen: string[] = [];
    for (let minute = 1; minute <= 60; minute += 1) {
      clock.ms = T0 + minute * MINUTE;
      const before = reminders(where.dbPath).length;
      tick.remind(stillDown(clock.ms));
      const now = reminders(where.dbPath).slice(before);
      if (now.length > 0) seen.push(`${minute} ${now.join(',')}`);
    }
    tick.close();
    assert.deepEqual(seen, ['10 ops', '20 ops', '30 ops,pager', '40 ops', '50 ops', '60 ops,pager']);
    const opened = told(where.dbPath)[0]?.incident;
    assert.ok(
      told(where.dbPath)
        .filter((row) => row.event === 'process_still_down')
        .every((row) => row.incident === opened && row.details.state === 'timed_out'),
      'every reminder carries the incident id',
    );
  });

  it('a clock set back reminds once, then counts from then: no storm, no silence; a step forward reminds once', () => {
    const where = place();
    const clock = { ms: T0 };
    const tick = run(
      where,
      { channels: { ops: { type: 'command', command: 'true', remind_after_seconds: 600 } } },
      clock,
    );
    tick.raise(event('gave_up', T0));
    const at = (minute: number): number => {
      clock.ms = T0 + minute * MINUTE;
      const before = reminders(where.dbPath).length;
      tick.remind(stillDown(clock.ms));
      return reminders(where.dbPath).length - before;
    };
    assert.equal(at(10), 1);
    // NTP sets the clock back by two hours: reminded at once, then every ten minutes from there.
    assert.deepEqual([-110, -109, -101, -100].map(at), [1, 0, 0, 1]);
    // Then forward by a day: one reminder, not 144.
    assert.deepEqual([1440, 1441].map(at), [1, 0]);
    tick.close();
  });

  it('writes nothing when no reminder is due, and nothing of a closed incident', () => {
    const where = place();
    const clock = { ms: T0 };
    const tick = run(where, REMIND, clock);
    tick.raise(event('gave_up', T0));
    let writes = 0;
    const write = tick.store.write.bind(tick.store);
    tick.store.write = <T>(body: Parameters<AuditStore['write']>[0]): T => {
      writes += 1;
      return write(body) as T;
    };
    const notify = normalizeNotify(REMIND, '/etc/watchdog');
    const remind: RaiseEvent = reminderFor(notify, {
      audit: tick.store,
      host: () => 'gw-17',
      now: () => new Date(clock.ms),
      logger: tick.logger,
    });
    clock.ms = T0 + 5 * MINUTE;
    remind(stillDown(clock.ms));
    assert.equal(writes, 0, 'nothing due: no write transaction');
    tick.raise(event('process_recovered', clock.ms));
    writes = 0;
    clock.ms = T0 + 60 * MINUTE;
    remind(stillDown(clock.ms));
    assert.equal(writes, 0, 'no incident open: no write transaction');
    tick.close();
    assert.deepEqual(reminders(where.dbPath), []);
  });
});

// A new incident's opening and closing events are news, whatever the previous incident
// told within repeat_after_seconds: opening or closing one leaves a story mark
// (`incident_changed`).
function configWith(enabled: boolean): Pick<WatchdogConfig, 'processes' | 'filesystems'> {
  return { processes: [{ key: 'web', enabled, display_name: 'web' }], filesystems: [] } as unknown as Pick<
    WatchdogConfig,
    'processes' | 'filesystems'
  >;
}

describe('incidents and the repeat rule: a new incident is news', () => {
  it('a process disabled in the config then enabled again: the next incident opening is told', () => {
    const where = place();
    const clock = { ms: T0 };
    const tick = run(where, ALL, clock);
    tick.raise(event('recovery_started', T0, {}, { kind: 'recovery', recovery_id: 1 }));
    clock.ms = T0 + MINUTE;
    closeUncheckedIncidents(configWith(false), formatUtcTimestamp(new Date(clock.ms)), tick.store.db, tick.raise);
    // Enabled again; it fails again: a new incident.
    clock.ms = T0 + 5 * MINUTE;
    tick.raise(event('recovery_started', clock.ms, {}, { kind: 'recovery', recovery_id: 2 }));
    clock.ms = T0 + 6 * MINUTE;
    tick.raise(event('process_recovered', clock.ms));
    tick.close();
    const rows = told(where.dbPath).map((row) => [row.event, row.incident]);
    const first = rows[0]?.[1];
    const second = rows.at(-1)?.[1];
    assert.ok(typeof second === 'string' && second !== first);
    assert.deepEqual(rows, [
      ['recovery_started', first],
      ['process_off', first],
      ['recovery_started', second],
      ['process_recovered', second],
    ]);
  });
});

describe("a person's restart before an outage", () => {
  it("a person's restart of a working app, then a crash within the hour: the incident's opening is told", () => {
    const where = place();
    const clock = { ms: T0 };
    const tick = run(where, ALL, clock);
    const raise = tick.raiseAt;
    const person = { kind: 'restart', requested_by: 'alice', recovery_id: 1 };
    raise(event('recovery_started', T0, {}, person));
    raise(event('recovery_succeeded', T0 + 1000, {}, person));
    // Ten minutes later the app crashes; cron recovers it.
    const cron = { kind: 'recovery', requested_by: 'cron', recovery_id: 2 };
    raise(event('recovery_started', T0 + 10 * MINUTE, {}, cron));
    raise(event('recovery_succeeded', T0 + 10 * MINUTE + 1000, {}, cron));
    raise(event('process_recovered', T0 + 11 * MINUTE));
    tick.close();
    const rows = told(where.dbPath).map((row) => [row.event, row.incident]);
    const id = rows.at(-1)?.[1];
    assert.ok(typeof id === 'string');
    assert.deepEqual(rows, [
      ['recovery_started', null],
      ['recovery_succeeded', null],
      ['recovery_started', id],
      ['recovery_succeeded', id],
      ['process_recovered', id],
    ]);
  });
});

describe('the close of a second incident', () => {
  it('disabled, enabled, a new give-up, disabled again within the hour: the second incident is told closed', () => {
    const where = place();
    const clock = { ms: T0 };
    const tick = run(where, ALL, clock);
    const raise = tick.raiseAt;
    const close = (ms: number): void => {
      clock.ms = ms;
      closeUncheckedIncidents(configWith(false), formatUtcTimestamp(new Date(ms)), tick.store.db, tick.raise);
    };
    raise(event('recovery_started', T0, {}, { kind: 'recovery', recovery_id: 1 }));
    close(T0 + MINUTE);
    raise(event('gave_up', T0 + 5 * MINUTE));
    close(T0 + 6 * MINUTE);
    tick.close();
    const rows = told(where.dbPath).map((row) => [row.event, row.incident]);
    const [a, b] = [rows[0]?.[1], rows[2]?.[1]];
    assert.deepEqual(rows, [
      ['recovery_started', a],
      ['process_off', a],
      ['gave_up', b],
      ['process_off', b],
    ]);
  });
  it("off, a person's restart (turns it on, no process_on), a crash, off again: the second incident is told closed", () => {
    const where = place();
    const clock = { ms: T0 };
    const tick = run(where, ALL, clock);
    const raise = tick.raiseAt;
    const person = { requested_by: 'alice', command: 'off', result: 'stopped' };
    raise(event('recovery_started', T0, {}, { kind: 'recovery', recovery_id: 1 }));
    raise(event('process_off', T0 + MINUTE, {}, person));
    const restart = { kind: 'restart', requested_by: 'alice', recovery_id: 2 };
    raise(event('recovery_started', T0 + 2 * MINUTE, {}, restart));
    raise(event('recovery_succeeded', T0 + 2 * MINUTE + 1000, {}, restart));
    raise(event('recovery_failed', T0 + 10 * MINUTE, {}, { kind: 'recovery', recovery_id: 3 }));
    raise(event('process_off', T0 + 20 * MINUTE, {}, person));
    tick.close();
    const rows = told(where.dbPath).map((row) => [row.event, row.incident]);
    const b = rows.find((row) => row[0] === 'recovery_failed')?.[1];
    assert.ok(typeof b === 'string');
    assert.deepEqual(rows.at(-1), ['process_off', b]);
  });
});

describe('a second incident through the journal', () => {
  it('incident 2 opened while stood in: its recovered is told after write-back, not held as a repeat of incident 1', () => {
    const where = place();
    openStore(where.dbPath).close();
    const clock = { ms: T0 };
    const a = run(where, ALL, clock);
    a.raise(event('recovery_started', T0, {}, { kind: 'recovery', recovery_id: 1 }));
    a.raise(event('process_recovered', T0 + 2 * MINUTE));
    a.close();
    const release = holdWriteLock(where.dbPath);
    clock.ms = T0 + 5 * MINUTE;
    const stood = run(where, ALL, clock);
    stood.raise(event('recovery_started', clock.ms, {}, { kind: 'recovery', recovery_id: 2 }));
    assert.ok(stood.store.degraded !== undefined);
    stood.close();
    release();
    clock.ms = T0 + 10 * MINUTE;
    const b = run(where, ALL, clock);
    b.raise(event('process_recovered', clock.ms));
    b.close();
    const rows = told(where.dbPath).map((row) => row.event);
    assert.deepEqual(rows, ['recovery_started', 'process_recovered', 'recovery_started', 'process_recovered']);
  });
  it('incident 2 recovered while stood in', () => {
    const where = place();
    openStore(where.dbPath).close();
    const clock = { ms: T0 };
    const a = run(where, ALL, clock);
    a.raise(event('recovery_started', T0, {}, { kind: 'recovery', recovery_id: 1 }));
    a.raise(event('process_recovered', T0 + 2 * MINUTE));
    a.raise(event('recovery_started', T0 + 3 * MINUTE, {}, { kind: 'recovery', recovery_id: 2 }));
    a.close();
    const release = holdWriteLock(where.dbPath);
    clock.ms = T0 + 5 * MINUTE;
    const stood = run(where, ALL, clock);
    stood.raise(event('process_recovered', clock.ms));
    assert.ok(stood.store.degraded !== undefined);
    stood.close();
    release();
    const b = run(where, ALL, clock);
    b.close();
    const rows = told(where.dbPath).map((row) => row.event);
    assert.deepEqual(rows, ['recovery_started', 'process_recovered', 'recovery_started', 'process_recovered']);
  });
});
