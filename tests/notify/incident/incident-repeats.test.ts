// A new incident's opening and closing events are news, whatever the previous incident
// told within repeat_after_seconds: opening or closing one leaves a story mark
// (`incident_changed`). On real SQLite files, through the notifier a tick uses.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { RawNotifyConfig } from '../../../src/notify/config/notify-types.js';
import { normalizeNotify } from '../../../src/notify/config/normalize-notify.js';
import { notifierFor } from '../../../src/notify/queue/queue-event.js';
import { reminderFor } from '../../../src/notify/queue/queue-reminder.js';
import type { WatchdogEvent } from '../../../src/notify/watchdog-event.js';
import { openAuditStore } from '../../../src/store/audit-store.js';
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
  return {
    store,
    logger,
    raise: notifierFor(notify, deps),
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
    const raise = (e: WatchdogEvent): void => {
      clock.ms = Date.parse(e.at);
      tick.raise(e);
    };
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
    const raise = (e: WatchdogEvent): void => {
      clock.ms = Date.parse(e.at);
      tick.raise(e);
    };
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
    const raise = (e: WatchdogEvent): void => {
      clock.ms = Date.parse(e.at);
      tick.raise(e);
    };
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
