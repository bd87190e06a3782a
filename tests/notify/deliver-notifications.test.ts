import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ChannelConfig, RawNotifyConfig } from '../../src/notify/config/notify-types.js';
import { normalizeNotify } from '../../src/notify/config/normalize-notify.js';
import type { Logger } from '../../src/logging/logger.js';
import type { SendOutcome } from '../../src/notify/channels/send-outcome.js';
import { deliverNotifications, type DeliveryReport } from '../../src/notify/deliver-notifications.js';
import type { EventPayload } from '../../src/notify/watchdog-event.js';
import { directWriter, type AuditWriter } from '../../src/store/audit-writer.js';
import { queueNotification, type NotificationRow } from '../../src/notify/queue/notification-rows.js';
import { openStore, type Store } from '../../src/store/open-store.js';
import { formatUtcTimestamp } from '../../src/time/format-utc-timestamp.js';
import { onCleanup } from '../helpers/cleanup.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { recordingLogger } from '../helpers/recording-logger.js';

const NOW = Date.parse('2026-06-30T12:00:00.000Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface Send {
  channel: string;
  payload: EventPayload & { notification_id: number };
  timeoutMs: number;
  /** Virtual time of the attempt, relative to NOW. */
  atMs: number;
}

/** How the fake `send` answers one attempt; it may move the clock on (`advance`), or throw. */
type Answer = (send: Send, advance: (ms: number) => void) => SendOutcome;

interface Harness {
  db: Store;
  logger: Logger & { lines: string[] };
  sends: Send[];
  sleeps: number[];
  clock: { ms: number };
  /** Queues a notification created `agoMs` before NOW; returns its id. */
  queue(channel: string, agoMs: number, subject?: string): number;
  deliver(raw: RawNotifyConfig, answer: Answer, audit?: AuditWriter): Promise<DeliveryReport>;
  rows(): NotificationRow[];
}

/** A real audit database in a temp folder, a virtual clock that moves only when slept on (or a send says), a fake `send`. */
function harness(): Harness {
  const db = openStore(join(makeTempDir(), 'state', 'watchdog.db'));
  onCleanup(() => db.close());
  const h: Harness = {
    db,
    logger: recordingLogger(),
    sends: [],
    sleeps: [],
    clock: { ms: NOW },
    queue(channel, agoMs, subject = 'web') {
      const createdAt = formatUtcTimestamp(new Date(NOW - agoMs));
      const payload: EventPayload = {
        version: 1,
        event: 'recovery_failed',
        time: createdAt,
        host: 'gateway-17',
        process_key: subject,
        display_name: null,
        interface: null,
        zone: null,
        summary: `${subject} failed`,
        details: { ago_ms: agoMs },
      };
      return queueNotification(db, {
        channel,
        event: 'recovery_failed',
        subject,
        createdAt,
        payload: JSON.stringify(payload),
      });
    },
    deliver(raw, answer, audit = directWriter(db)) {
      return deliverNotifications(normalizeNotify(raw, '/etc/watchdog'), {
        audit,
        logger: h.logger,
        now: () => new Date(h.clock.ms),
        monotonicMs: () => h.clock.ms,
        sleep: async (ms) => {
          h.sleeps.push(ms);
          h.clock.ms += ms;
        },
        send: async (channel: ChannelConfig, payload, timeoutMs) => {
          const send = { channel: channel.name, payload, timeoutMs, atMs: h.clock.ms - NOW };
          h.sends.push(send);
          return answer(send, (ms) => {
            h.clock.ms += ms;
          });
        },
      });
    },
    rows: () => db.prepare<[], NotificationRow>('SELECT * FROM notifications ORDER BY id').all(),
  };
  return h;
}

const webhook = (extra: Record<string, unknown> = {}) => ({
  type: 'webhook' as const,
  url: 'https://127.0.0.1/hook',
  ...extra,
});
const delivered: Answer = () => ({ kind: 'delivered', detail: 'HTTP 204' });
const stateOf = (h: Harness) => h.rows().map((row) => [row.id, row.channel, row.state, row.attempts, row.last_error]);

describe('deliverNotifications', () => {
  it('sends each channel in the order raised (by id, not by time, which a clock set right can make jump), with notification_id, and marks them delivered', async () => {
    const h = harness();
    const newest = h.queue('ops', 1 * MINUTE);
    const oldA = h.queue('ops', 3 * MINUTE);
    const oldB = h.queue('ops', 3 * MINUTE);
    const oldest = h.queue('ops', 5 * MINUTE);
    const report = await h.deliver({ channels: { ops: webhook() } }, delivered);
    assert.deepEqual(report, { delivered: 4, failed: 0, waiting: 0, dropped: 0 });
    assert.deepEqual(
      h.sends.map((send) => send.payload.notification_id),
      [newest, oldA, oldB, oldest],
    );
    const first = h.sends[3]?.payload;
    assert.deepEqual(first, {
      version: 1,
      event: 'recovery_failed',
      time: formatUtcTimestamp(new Date(NOW - 5 * MINUTE)),
      host: 'gateway-17',
      process_key: 'web',
      display_name: null,
      interface: null,
      zone: null,
      summary: 'web failed',
      details: { ago_ms: 5 * MINUTE },
      notification_id: oldest,
    });
    const at = formatUtcTimestamp(new Date(NOW));
    assert.deepEqual(
      h.rows().map((row) => [row.state, row.attempts, row.last_attempt_at, row.delivered_at, row.last_error]),
      Array.from({ length: 4 }, () => ['delivered', 1, at, at, null]),
    );
    assert.deepEqual(h.sleeps, []);
  });

  it('gives each attempt the channel timeout', async () => {
    const h = harness();
    h.queue('ops', MINUTE);
    await h.deliver({ channels: { ops: webhook({ timeout_seconds: 4 }) } }, delivered);
    assert.deepEqual(
      h.sends.map((send) => send.timeoutMs),
      [4000],
    );
  });

  it('stops a channel at its first notification that must wait (retry); the other channels go on', async () => {
    const h = harness();
    const first = h.queue('ops', 3 * MINUTE);
    const second = h.queue('ops', 2 * MINUTE);
    const third = h.queue('ops', 1 * MINUTE);
    const smsA = h.queue('sms', 2 * MINUTE);
    const smsB = h.queue('sms', 1 * MINUTE);
    const report = await h.deliver(
      { channels: { ops: webhook({ retries: 0 }), sms: { type: 'command', command: './sms' } } },
      (send) =>
        send.channel === 'ops'
          ? { kind: 'retry', detail: 'ECONNREFUSED' }
          : { kind: 'delivered', detail: 'exited 0 after 12ms' },
    );
    assert.deepEqual(report, { delivered: 2, failed: 0, waiting: 3, dropped: 0 });
    assert.deepEqual(
      h.sends.map((send) => [send.channel, send.payload.notification_id]),
      [
        ['ops', first],
        ['sms', smsA],
        ['sms', smsB],
      ],
    );
    assert.deepEqual(stateOf(h), [
      [first, 'ops', 'pending', 1, 'ECONNREFUSED'],
      [second, 'ops', 'pending', 0, null],
      [third, 'ops', 'pending', 0, null],
      [smsA, 'sms', 'delivered', 1, null],
      [smsB, 'sms', 'delivered', 1, null],
    ]);
    assert.ok(
      h.logger.lines.some(
        (line) =>
          line.startsWith('warn notify: ops: cannot send recovery_failed of ') &&
          line.endsWith('tried again next tick: ECONNREFUSED'),
      ),
      h.logger.lines.join('\n'),
    );
  });

  it('marks a refused notification failed, not to be tried again, and goes on to the next', async () => {
    const h = harness();
    const refused = h.queue('ops', 2 * MINUTE);
    const next = h.queue('ops', 1 * MINUTE);
    const report = await h.deliver({ channels: { ops: webhook() } }, (send) =>
      send.payload.notification_id === refused
        ? { kind: 'refused', detail: 'HTTP 404' }
        : { kind: 'delivered', detail: 'HTTP 200' },
    );
    assert.deepEqual(report, { delivered: 1, failed: 1, waiting: 0, dropped: 0 });
    assert.deepEqual(stateOf(h), [
      [refused, 'ops', 'failed', 1, 'HTTP 404'],
      [next, 'ops', 'delivered', 1, null],
    ]);
    assert.deepEqual(h.sleeps, [], 'a refusal is not retried');
    assert.ok(
      h.logger.lines.some(
        (line) =>
          line.startsWith('error notify: ops: recovery_failed of ') && line.endsWith('refused, not retried: HTTP 404'),
      ),
      h.logger.lines.join('\n'),
    );

    const again = await h.deliver({ channels: { ops: webhook() } }, delivered);
    assert.deepEqual(
      again,
      { delivered: 0, failed: 0, waiting: 0, dropped: 0 },
      'a failed notification is not sent on a later pass',
    );
    assert.equal(h.sends.length, 2);
  });

  it('retries `retries` times, waiting retry_backoff_seconds and doubling it each time', async () => {
    const h = harness();
    const id = h.queue('ops', MINUTE);
    const report = await h.deliver(
      { delivery_budget_seconds: 600, channels: { ops: webhook({ retries: 3, retry_backoff_seconds: 2 }) } },
      () => ({ kind: 'retry', detail: 'HTTP 503' }),
    );
    assert.deepEqual(report, { delivered: 0, failed: 0, waiting: 1, dropped: 0 });
    assert.deepEqual(h.sleeps, [2000, 4000, 8000]);
    assert.deepEqual(
      h.sends.map((send) => [send.payload.notification_id, send.atMs]),
      [
        [id, 0],
        [id, 2000],
        [id, 6000],
        [id, 14_000],
      ],
    );
    const [row] = h.rows();
    assert.deepEqual(
      [row?.state, row?.last_error, row?.last_attempt_at],
      ['pending', 'HTTP 503', formatUtcTimestamp(new Date(NOW + 14_000))],
    );
  });

  it('stops retrying once an attempt delivers', async () => {
    const h = harness();
    h.queue('ops', MINUTE);
    let calls = 0;
    const report = await h.deliver({ channels: { ops: webhook({ retries: 2, retry_backoff_seconds: 3 }) } }, () => {
      calls += 1;
      return calls === 1 ? { kind: 'retry', detail: 'HTTP 429' } : { kind: 'delivered', detail: 'HTTP 200' };
    });
    assert.deepEqual(report, { delivered: 1, failed: 0, waiting: 0, dropped: 0 });
    assert.deepEqual(h.sleeps, [3000]);
    assert.equal(h.sends.length, 2);
    assert.deepEqual([h.rows()[0]?.state, h.rows()[0]?.last_error], ['delivered', null]);
  });

  it('does not start a wait that would end past the budget', async () => {
    const h = harness();
    h.queue('ops', MINUTE);
    const report = await h.deliver(
      { delivery_budget_seconds: 30, channels: { ops: webhook({ retries: 5, retry_backoff_seconds: 10 }) } },
      () => ({ kind: 'retry', detail: 'HTTP 503' }),
    );
    assert.deepEqual(report, { delivered: 0, failed: 0, waiting: 1, dropped: 0 });
    // 0 s: attempt; wait 10 s; 10 s: attempt; a wait of 20 s would end at the budget's end.
    assert.deepEqual(h.sleeps, [10_000]);
    assert.equal(h.sends.length, 2);
  });

  it('counts a send that throws as one that may pass later', async () => {
    const h = harness();
    const id = h.queue('ops', MINUTE);
    const report = await h.deliver({ channels: { ops: webhook({ retries: 1, retry_backoff_seconds: 2 }) } }, () => {
      throw new TypeError('boom');
    });
    assert.deepEqual(report, { delivered: 0, failed: 0, waiting: 1, dropped: 0 });
    assert.equal(h.sends.length, 2);
    assert.deepEqual(h.sleeps, [2000]);
    assert.deepEqual(stateOf(h), [[id, 'ops', 'pending', 2, 'the watchdog could not send it: boom']]);
  });

  it('gives each channel an equal share of delivery_budget_seconds (what one leaves goes to the next), and counts what waits in every channel', async () => {
    const h = harness();
    const ops = [5, 4, 3, 2, 1].map((minutes) => h.queue('ops', minutes * MINUTE));
    const sms = [2, 1].map((minutes) => h.queue('sms', minutes * MINUTE));
    const report = await h.deliver(
      {
        delivery_budget_seconds: 30,
        channels: { ops: webhook({ timeout_seconds: 15, retries: 0 }), sms: { type: 'command', command: './sms' } },
      },
      (_send, advance) => {
        advance(10_000);
        return { kind: 'delivered', detail: 'HTTP 200' };
      },
    );
    assert.deepEqual(report, { delivered: 3, failed: 0, waiting: 4, dropped: 0 });
    assert.deepEqual(
      h.sends.map((send) => [send.payload.notification_id, send.atMs, send.timeoutMs]),
      [
        [ops[0], 0, 15_000],
        [ops[1], 10_000, 5_000],
        [sms[0], 20_000, 10_000],
      ],
      'each attempt gets the channel timeout, at most what is left of its share: ops half of 30 s, sms all that is left',
    );
    assert.deepEqual(
      h.rows().map((row) => row.state),
      ['delivered', 'delivered', 'pending', 'pending', 'pending', 'delivered', 'pending'],
    );
    assert.ok(
      h.logger.lines.includes(
        'warn notify: ops: 3 notifications wait for the next tick: its share of notify.delivery_budget_seconds (30s) is spent',
      ),
      h.logger.lines.join('\n'),
    );
    assert.ok(
      h.logger.lines.includes(
        'warn notify: sms: 1 notification waits for the next tick: its share of notify.delivery_budget_seconds (30s) is spent',
      ),
      h.logger.lines.join('\n'),
    );
  });

  it('drops pending notifications older than max_age_hours, unsent, and leaves done ones as they are', async () => {
    const h = harness();
    const tooOld = h.queue('ops', 25 * HOUR);
    const sentLongAgo = h.queue('ops', 30 * HOUR);
    h.db.prepare("UPDATE notifications SET state = 'delivered' WHERE id = ?").run(sentLongAgo);
    const fresh = h.queue('ops', 23 * HOUR);
    const report = await h.deliver({ max_age_hours: 24, channels: { ops: webhook() } }, delivered);
    assert.deepEqual(report, { delivered: 1, failed: 0, waiting: 0, dropped: 1 });
    assert.deepEqual(
      h.sends.map((send) => send.payload.notification_id),
      [fresh],
    );
    assert.deepEqual(stateOf(h), [
      [tooOld, 'ops', 'dropped', 0, 'not delivered within notify.max_age_hours (24)'],
      [sentLongAgo, 'ops', 'delivered', 0, null],
      [fresh, 'ops', 'delivered', 1, null],
    ]);
    assert.ok(
      h.logger.lines.includes('warn notify: ops: dropped 1 notification older than 24 hours, never delivered'),
      h.logger.lines.join('\n'),
    );
  });

  it('drops what waits for a channel no longer in the config, unsent', async () => {
    const h = harness();
    const gone = [h.queue('pager', 2 * MINUTE), h.queue('pager', MINUTE)];
    const kept = h.queue('ops', MINUTE);
    const report = await h.deliver({ channels: { ops: webhook() } }, delivered);
    assert.deepEqual(report, { delivered: 1, failed: 0, waiting: 0, dropped: 2 });
    assert.deepEqual(
      h.sends.map((send) => [send.channel, send.payload.notification_id]),
      [['ops', kept]],
    );
    assert.deepEqual(stateOf(h), [
      [gone[0], 'pager', 'dropped', 0, 'the channel is no longer in the config'],
      [gone[1], 'pager', 'dropped', 0, 'the channel is no longer in the config'],
      [kept, 'ops', 'delivered', 1, null],
    ]);
    assert.ok(
      h.logger.lines.includes('warn notify: pager: dropped 2 notifications of a channel no longer in the config'),
      h.logger.lines.join('\n'),
    );
  });

  it('counts exactly over a pass with every outcome', async () => {
    const h = harness();
    h.queue('gone', MINUTE);
    h.queue('ops', 200 * HOUR);
    const refused = h.queue('ops', 4 * MINUTE);
    h.queue('ops', 3 * MINUTE);
    const stuck = h.queue('ops', 2 * MINUTE);
    h.queue('ops', 1 * MINUTE);
    h.queue('sms', 1 * MINUTE);
    const report = await h.deliver(
      { channels: { ops: webhook({ retries: 0 }), sms: { type: 'command', command: './sms' } } },
      (send) => {
        if (send.payload.notification_id === refused) return { kind: 'refused', detail: 'HTTP 400' };
        if (send.payload.notification_id === stuck) return { kind: 'retry', detail: 'HTTP 503' };
        return { kind: 'delivered', detail: 'HTTP 200' };
      },
    );
    assert.deepEqual(report, { delivered: 2, failed: 1, waiting: 2, dropped: 2 });
  });

  it('sends nothing and counts nothing with an empty queue', async () => {
    const h = harness();
    assert.deepEqual(await h.deliver({ channels: { ops: webhook() } }, delivered), {
      delivered: 0,
      failed: 0,
      waiting: 0,
      dropped: 0,
    });
    assert.deepEqual(h.sends, []);
  });

  it('never throws: a database that cannot be written stops the pass with an error logged', async () => {
    const h = harness();
    h.queue('ops', MINUTE);
    const failing: AuditWriter = {
      db: h.db,
      write() {
        throw new Error('SQLITE_READONLY: attempt to write a readonly database');
      },
    };
    const report = await h.deliver({ channels: { ops: webhook() } }, delivered, failing);
    assert.deepEqual(report, { delivered: 0, failed: 0, waiting: 0, dropped: 0 });
    assert.deepEqual(h.sends, []);
    assert.ok(
      h.logger.lines.includes('error notify: delivery stopped: SQLITE_READONLY: attempt to write a readonly database'),
      h.logger.lines.join('\n'),
    );
  });
});
