// A due recovery refused (a start would be a second copy), told once per run of refusals
// for the same reason: and again after the app was healthy in between, though a healthy
// check writes no recovery row to end the run. Real database, real notifier.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { normalizeNotify } from '../../src/notify/config/normalize-notify.js';
import { notifierFor } from '../../src/notify/queue/queue-event.js';
import type { WatchdogEvent } from '../../src/notify/watchdog-event.js';
import { directWriter } from '../../src/store/audit-writer.js';
import { openStore } from '../../src/store/open-store.js';
import { refuseRecovery } from '../../src/tick/refuse-recovery.js';
import type { ProcessCheck } from '../../src/tick/process-check.js';
import { formatUtcTimestamp } from '../../src/time/format-utc-timestamp.js';
import { onCleanup } from '../helpers/cleanup.js';
import { processConfig } from '../helpers/process-config.js';
import { recordingLogger } from '../helpers/recording-logger.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const T0 = Date.parse('2026-12-07T03:00:00.000Z');
const MINUTE = 60_000;
const WHY = 'a live process the pipeline cannot stop';

describe('refuseRecovery', () => {
  it('tells the first refusal of a run, not the next, and again after the app was healthy in between', () => {
    const db = openStore(join(makeTempDir(), 'watchdog.db'));
    onCleanup(() => db.close());
    const audit = directWriter(db);
    const clock = { ms: T0 };
    // Within repeat_after_seconds throughout: only the run and the incident decide.
    const notify = normalizeNotify(
      { repeat_after_seconds: 3600, channels: { ops: { type: 'command', command: 'true' } } },
      '/etc/watchdog',
    );
    const raise = notifierFor(notify, {
      audit,
      host: () => 'gw-17',
      now: () => new Date(clock.ms),
      logger: recordingLogger(),
    });
    const process = processConfig({ key: 'web' });
    const check: ProcessCheck = {
      process,
      verdict: { state: 'timed_out', reason: 'heartbeat 300 s old' } as ProcessCheck['verdict'],
      checked: { state: 'timed_out', reason: 'heartbeat 300 s old' } as ProcessCheck['verdict'],
      consecutiveFailures: 2,
      threshold: 2,
      recoveryDue: true,
      guard: undefined as unknown as ProcessCheck['guard'],
    };
    const refuse = (minutes: number): void => {
      clock.ms = T0 + minutes * MINUTE;
      refuseRecovery(check, WHY, undefined, audit, new Date(clock.ms), raise);
    };
    const recovered = (minutes: number): void => {
      clock.ms = T0 + minutes * MINUTE;
      const event: WatchdogEvent = {
        kind: 'process_recovered',
        at: formatUtcTimestamp(new Date(clock.ms)),
        processKey: 'web',
        summary: 'web: healthy again',
        details: {},
      };
      raise(event);
    };
    const told = (): [string, unknown][] =>
      db
        .prepare<[], { event: string; payload: string }>('SELECT event, payload FROM notifications ORDER BY id')
        .all()
        .map((row) => [
          row.event,
          (JSON.parse(row.payload) as { details: { incident_id?: unknown } }).details.incident_id,
        ]);

    refuse(0);
    refuse(1);
    refuse(2);
    recovered(3);
    // Down again, refused for the same reason: a new outage.
    refuse(10);
    refuse(11);

    const events = told();
    assert.deepEqual(
      events.map(([event]) => event),
      ['recovery_refused', 'process_recovered', 'recovery_refused'],
      JSON.stringify(events),
    );
    assert.equal(events[1]?.[1], events[0]?.[1], 'process_recovered closes the first incident');
    assert.equal(typeof events[2]?.[1], 'string');
    assert.notEqual(events[2]?.[1], events[0]?.[1], 'the second outage opens a new incident');
    const rows = db
      .prepare<[], { outcome: string; detail: string }>('SELECT outcome, detail FROM recoveries ORDER BY id')
      .all();
    assert.deepEqual(
      rows.map((row) => row.outcome),
      ['skipped'],
      'the audit row still counts the refusals for the same reason',
    );
  });
});
