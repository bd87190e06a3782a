import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { WatchdogConfig } from '../../src/config/types.js';
import { validateConfig } from '../../src/config/validate-config.js';
import { recordFilesystemFigures } from '../../src/filesystems/filesystem-rows.js';
import { HEALTH_STATES } from '../../src/heartbeat/health-state.js';
import { collectMetrics, type TickFacts } from '../../src/metrics/collect-metrics.js';
import type { MetricFamily } from '../../src/metrics/prometheus-text.js';
import { recordNetworkEvent, type NetworkEventKind } from '../../src/network/store/record-network-event.js';
import { recordNetworkCheck } from '../../src/network/store/record-network-state.js';
import { markAttemptFailed, markDelivered, queueNotification } from '../../src/notify/queue/notification-rows.js';
import { openStore, type Store } from '../../src/store/open-store.js';
import { applyRetention } from '../../src/store/retention.js';
import {
  beginRecovery,
  finishRecovery,
  recordRecoveryAction,
  type RecoveryKind,
} from '../../src/store/record-recovery.js';
import { formatUtcTimestamp } from '../../src/time/format-utc-timestamp.js';
import { onCleanup } from '../helpers/cleanup.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const NOW = Date.parse('2026-06-30T12:00:00Z');
const CHECKED_AT = formatUtcTimestamp(new Date(NOW - 30_000));
const TICK: TickFacts = { endedAtMs: NOW, durationMs: 1250, failed: true, lastSuccessfulAtMs: NOW - 60_000 };

const process_ = (extra: Record<string, unknown> = {}) => ({
  display_name: 'An app',
  timeout_seconds: 30,
  heartbeat_path: '/run/app.json',
  enabled: true,
  commands: { start: './start.sh' },
  ...extra,
});

/** A config as `validate` loads it; fails the test when it does not load. */
function configOf(data: Record<string, unknown>): WatchdogConfig {
  const root = { name: 'root', uid: 0, gid: 0, home: '/root' };
  const result = validateConfig(data, '/x/config.json', (name) => (name === 'root' ? root : undefined), {});
  assert.deepEqual(result.errors, []);
  assert.ok(result.config, 'the config must load');
  return result.config;
}

const FULL = {
  processes: {
    web: process_({ heartbeat_path: '/run/web.json', max_memory_mb: 500 }),
    db: process_({ heartbeat_path: '/run/db.json', max_cpu_percent: 150 }),
    cam: process_({ heartbeat_path: '/run/cam.json' }),
    old: process_({ heartbeat_path: '/run/old.json', enabled: false }),
  },
  network: { interface: 'eth0', ladder: [{ type: 'bounce' }] },
  notify: {
    channels: { ops: { type: 'webhook', url: 'https://127.0.0.1/hook' }, sms: { type: 'command', command: './sms' } },
  },
};

function freshStore(): Store {
  const db = openStore(join(makeTempDir(), 'state', 'watchdog.db'));
  onCleanup(() => db.close());
  return db;
}

function processState(db: Store, key: string, health: string, failures: number, ageSeconds: number | null): void {
  db.prepare(
    'INSERT INTO process_state (process_key, consecutive_failures, last_check_at, last_health, last_heartbeat_age_seconds) VALUES (?, ?, ?, ?, ?)',
  ).run(key, failures, CHECKED_AT, health, ageSeconds);
}

function recovery(
  db: Store,
  processKey: string,
  kind: RecoveryKind,
  outcome: 'succeeded' | 'failed' | 'running',
  start?: 'ok' | 'failed',
): void {
  const startedAt = formatUtcTimestamp(new Date(NOW - 3_600_000));
  const id = beginRecovery(db, {
    processKey,
    kind,
    command: 'check',
    requestedBy: 'cron',
    triggerHealth: 'timed_out',
    triggerReason: 'r',
    startedAt,
  });
  if (start !== undefined)
    recordRecoveryAction(db, id, 0, {
      action: 'start',
      outcome: start,
      startedAt,
      durationMs: 1,
      pid: 4242,
      exitCode: null,
      signal: null,
      timedOut: false,
      detail: 'd',
      outputTail: null,
    });
  if (outcome !== 'running')
    finishRecovery(db, id, { finishedAt: startedAt, durationMs: 10, outcome, detail: null, startedPid: null });
}

function networkEvent(
  db: Store,
  kind: NetworkEventKind,
  rung?: string,
  outcome?: string,
  name = 'eth0',
  times = 1,
): void {
  for (let n = 0; n < times; n += 1)
    recordNetworkEvent(
      db,
      { at: CHECKED_AT, bootId: 'b', uptimeSeconds: 10 },
      { interface: name, kind, rung, outcome },
    );
}

/** Each family as `name type` and its samples as sorted `{labels} value` lines. */
function shapeOf(families: readonly MetricFamily[]): [string, string[]][] {
  return families.map((family) => [
    `${family.name} ${family.type}`,
    family.samples.map((sample) => `${JSON.stringify(sample.labels)} ${sample.value}`).sort(),
  ]);
}

const stateSamples = (key: string, current: string | undefined): string[] =>
  HEALTH_STATES.map((state) => `{"process":"${key}","state":"${state}"} ${state === current ? 1 : 0}`);

describe('collectMetrics', () => {
  it('exports each family from the audit log, with its labels and values', () => {
    const db = freshStore();
    processState(db, 'web', 'healthy', 0, 4.5);
    processState(db, 'db', 'timed_out', 2, null);
    processState(db, 'old', 'healthy', 0, 1);
    // What the last check measured: web with a CPU rate, db on its first sample (no rate yet);
    // cam has no limits, so figures left from when it had some are not exported.
    db.prepare(
      "UPDATE process_state SET last_memory_bytes = 52428800, last_cpu_percent = 12.5 WHERE process_key = 'web'",
    ).run();
    db.prepare("UPDATE process_state SET last_memory_bytes = 1048576 WHERE process_key = 'db'").run();
    db.prepare("UPDATE process_state SET last_memory_bytes = 1, last_cpu_percent = 1 WHERE process_key = 'old'").run();
    db.prepare(
      "INSERT INTO process_state (process_key, consecutive_failures, last_memory_bytes, last_cpu_percent) VALUES ('cam', 0, 7, 7)",
    ).run();
    recovery(db, 'web', 'recovery', 'succeeded', 'ok');
    recovery(db, 'web', 'recovery', 'succeeded', 'ok');
    recovery(db, 'web', 'restart', 'failed', 'failed');
    // web entered healthy 10 minutes before its last check, its heartbeat at iteration 42 with 3 descendants.
    db.prepare(
      "UPDATE process_state SET last_health_since = ?, last_iteration = 42, last_usage_descendants = 3 WHERE process_key = 'web'",
    ).run(formatUtcTimestamp(new Date(NOW - 630_000)));
    recovery(db, 'db', 'recovery', 'failed');
    recovery(db, 'web', 'recovery', 'running');
    recovery(db, 'gone', 'recovery', 'succeeded');
    recordNetworkCheck(db, 'eth0', {
      checkedAt: CHECKED_AT,
      state: 'no_carrier',
      reason: 'no carrier',
      consecutiveFailures: 3,
      failingSince: CHECKED_AT,
      seenAt: CHECKED_AT,
      resetLadderFailures: false,
    });
    networkEvent(db, 'ladder_end', undefined, 'failed', 'eth0', 2);
    networkEvent(db, 'ladder_end', 'bounce', 'healed');
    networkEvent(db, 'rung', 'bounce', 'not_healed', 'eth0', 2);
    networkEvent(db, 'rung', 'bounce', 'healed');
    networkEvent(db, 'rung', 'bounce', 'failed', 'wlan0');
    networkEvent(db, 'reboot', undefined, 'requested');
    networkEvent(db, 'reboot', undefined, 'requested', 'wlan0');
    networkEvent(db, 'reboot_held', 'cooldown', 'held', 'eth0', 2);
    for (const guard of ['max_per_day', 'maintenance_flag', 'usb_mass_storage', 'reachable'])
      networkEvent(db, 'reboot_held', guard, 'held');
    networkEvent(db, 'reboot_held', 'max_failures', 'held', 'eth0', 3);
    networkEvent(db, 'reboot_held', 'no_reboot_command', 'held');
    for (const channel of ['ops', 'ops', 'ops', 'gone'])
      queueNotification(db, { channel, event: 'gave_up', subject: 'web', createdAt: CHECKED_AT, payload: '{}' });
    markDelivered(db, 1, CHECKED_AT, 1);
    // A channel no longer in the config: its queue was dropped.
    db.prepare("UPDATE notifications SET state = 'dropped' WHERE id = 4").run();

    const families = collectMetrics(db, configOf(FULL), TICK);
    const checkedAtSeconds = Date.parse(CHECKED_AT) / 1000;
    assert.deepEqual(shapeOf(families), [
      ['watchdog_process_up gauge', ['{"process":"cam"} 0', '{"process":"db"} 0', '{"process":"web"} 1']],
      [
        'watchdog_process_state gauge',
        [
          ...stateSamples('web', 'healthy'),
          ...stateSamples('db', 'timed_out'),
          ...stateSamples('cam', undefined),
        ].sort(),
      ],
      [
        'watchdog_process_consecutive_failures gauge',
        ['{"process":"cam"} 0', '{"process":"db"} 2', '{"process":"web"} 0'],
      ],
      [
        'watchdog_process_last_check_timestamp_seconds gauge',
        [`{"process":"db"} ${checkedAtSeconds}`, `{"process":"web"} ${checkedAtSeconds}`],
      ],
      ['watchdog_process_heartbeat_age_seconds gauge', ['{"process":"web"} 4.5']],
      ['watchdog_process_memory_bytes gauge', ['{"process":"db"} 1048576', '{"process":"web"} 52428800']],
      ['watchdog_process_cpu_percent gauge', ['{"process":"web"} 12.5']],
      ['watchdog_process_matches gauge', []],
      ['watchdog_process_memory_limit_bytes gauge', ['{"process":"web"} 524288000']],
      ['watchdog_process_cpu_limit_percent gauge', ['{"process":"db"} 150']],
      ['watchdog_process_descendants gauge', ['{"process":"web"} 3']],
      ['watchdog_process_restarts_total counter', ['{"process":"cam"} 0', '{"process":"db"} 0', '{"process":"web"} 2']],
      ['watchdog_process_state_since_timestamp_seconds gauge', [`{"process":"web"} ${NOW / 1000 - 630}`]],
      ['watchdog_process_heartbeat_iteration gauge', ['{"process":"web"} 42']],
      [
        'watchdog_recoveries_total counter',
        [
          '{"process":"db","kind":"recovery","outcome":"failed"} 1',
          '{"process":"web","kind":"recovery","outcome":"succeeded"} 2',
          '{"process":"web","kind":"restart","outcome":"failed"} 1',
        ],
      ],
      ['watchdog_network_link_up gauge', ['{"interface":"eth0"} 0']],
      ['watchdog_network_consecutive_failures gauge', ['{"interface":"eth0"} 3']],
      [
        'watchdog_network_ladder_runs_total counter',
        ['{"interface":"eth0","outcome":"failed"} 2', '{"interface":"eth0","outcome":"healed"} 1'],
      ],
      [
        'watchdog_network_rung_runs_total counter',
        [
          '{"interface":"eth0","rung":"bounce","outcome":"healed"} 1',
          '{"interface":"eth0","rung":"bounce","outcome":"not_healed"} 2',
        ],
      ],
      ['watchdog_reboots_total counter', ['{"interface":"eth0"} 1']],
      [
        'watchdog_reboots_suppressed_total counter',
        [
          '{"interface":"eth0","reason":"cooldown"} 2',
          '{"interface":"eth0","reason":"maintenance_flag"} 1',
          '{"interface":"eth0","reason":"max_per_day"} 1',
          '{"interface":"eth0","reason":"reachable"} 1',
          '{"interface":"eth0","reason":"usb_mass_storage"} 1',
        ],
      ],
      [
        'watchdog_notifications_total counter',
        [
          '{"channel":"gone","outcome":"delivered"} 0',
          '{"channel":"gone","outcome":"dropped"} 1',
          '{"channel":"gone","outcome":"failed"} 0',
          '{"channel":"ops","outcome":"delivered"} 1',
          '{"channel":"ops","outcome":"dropped"} 0',
          '{"channel":"ops","outcome":"failed"} 0',
          '{"channel":"sms","outcome":"delivered"} 0',
          '{"channel":"sms","outcome":"dropped"} 0',
          '{"channel":"sms","outcome":"failed"} 0',
        ],
      ],
      ['watchdog_notification_last_delivery_timestamp_seconds gauge', [`{"channel":"ops"} ${checkedAtSeconds}`]],
      ['watchdog_notifications_pending gauge', ['{"channel":"ops"} 2', '{"channel":"sms"} 0']],
      ['watchdog_notification_oldest_pending_timestamp_seconds gauge', [`{"channel":"ops"} ${checkedAtSeconds}`]],
      ['watchdog_tick_duration_seconds gauge', ['{} 1.25']],
      ['watchdog_tick_failed gauge', ['{} 1']],
      ['watchdog_last_tick_timestamp_seconds gauge', [`{} ${NOW / 1000}`]],
      ['watchdog_last_successful_tick_timestamp_seconds gauge', [`{} ${NOW / 1000 - 60}`]],
    ]);
    for (const family of families) {
      assert.match(family.name, /^watchdog_[a-z_]+$/, family.name);
      assert.ok(family.help.length > 0, `${family.name} has help`);
      if (family.type === 'counter') assert.match(family.name, /_total$/, family.name);
    }
  });

  it('exports how many processes matched for an app found by match alone, and for no other', () => {
    const db = freshStore();
    const config = configOf({
      processes: {
        broker: process_({ heartbeat_path: undefined, timeout_seconds: undefined, match: 'mosquitto', user: 'root' }),
        web: process_({ match: 'node' }),
      },
    });
    processState(db, 'broker', 'healthy', 0, null);
    processState(db, 'web', 'healthy', 0, 1);
    db.prepare('UPDATE process_state SET last_match_count = ?').run(2);
    const matches = (): string[] | undefined =>
      shapeOf(collectMetrics(db, config, TICK)).find(([name]) => name === 'watchdog_process_matches gauge')?.[1];
    assert.deepEqual(matches(), ['{"process":"broker"} 2']);
    db.prepare(
      "UPDATE process_state SET last_match_count = 0, last_health = 'not_running' WHERE process_key = 'broker'",
    ).run();
    assert.deepEqual(matches(), ['{"process":"broker"} 0']);
  });

  it("escapes a file system's mount point in its label as status shows it (a user's FUSE mount names it)", () => {
    const db = freshStore();
    const config = configOf({ processes: {}, filesystems: { data: { path: '/data', min_free_mb: 1 } } });
    processState(db, 'data', 'healthy', 0, null);
    recordFilesystemFigures(db, 'data', CHECKED_AT, {
      folder: '/data',
      mountPoint: '/data/\x1b[8mhidden\u202e',
      fsType: 'fuse',
      sizeBytes: 100,
      freeBytes: 50,
      readOnly: false,
      rootFilesystem: false,
    });
    const free = shapeOf(collectMetrics(db, config, TICK)).find(
      ([name]) => name === 'watchdog_filesystem_free_bytes gauge',
    )?.[1];
    assert.deepEqual(free, [`{"filesystem":"data","mount_point":"/data/\\\\x1b[8mhidden\\\\u202e"} 50`]);
  });

  it('counts notifications refused for good, and keeps the counts and the last delivery through retention', () => {
    const db = freshStore();
    const config = configOf({ processes: { web: process_() }, notify: FULL.notify });
    const notifyFamilies = (): [string, string[]][] =>
      shapeOf(collectMetrics(db, config, TICK)).filter(([name]) => name.startsWith('watchdog_notification'));
    const longAgo = formatUtcTimestamp(new Date(NOW - 40 * 24 * 3600 * 1000));
    const queue = (createdAt: string): number =>
      queueNotification(db, { channel: 'ops', event: 'gave_up', subject: 'web', createdAt, payload: '{}' });
    markDelivered(db, queue(longAgo), longAgo, 1);
    markAttemptFailed(db, queue(longAgo), longAgo, 1, 'HTTP 401', 'failed');
    markAttemptFailed(db, queue(CHECKED_AT), CHECKED_AT, 3, 'HTTP 503', 'pending');
    const expected: [string, string[]][] = [
      [
        'watchdog_notifications_total counter',
        [
          '{"channel":"ops","outcome":"delivered"} 1',
          '{"channel":"ops","outcome":"dropped"} 0',
          '{"channel":"ops","outcome":"failed"} 1',
          '{"channel":"sms","outcome":"delivered"} 0',
          '{"channel":"sms","outcome":"dropped"} 0',
          '{"channel":"sms","outcome":"failed"} 0',
        ],
      ],
      [
        'watchdog_notification_last_delivery_timestamp_seconds gauge',
        [`{"channel":"ops"} ${Date.parse(longAgo) / 1000}`],
      ],
      ['watchdog_notifications_pending gauge', ['{"channel":"ops"} 1', '{"channel":"sms"} 0']],
      [
        'watchdog_notification_oldest_pending_timestamp_seconds gauge',
        [`{"channel":"ops"} ${Date.parse(CHECKED_AT) / 1000}`],
      ],
    ];
    assert.deepEqual(notifyFamilies(), expected, 'a refusal for good counts, a failure that may pass later does not');
    assert.equal(applyRetention(db, NOW, 30, formatUtcTimestamp).deletedNotifications, 2);
    assert.deepEqual(notifyFamilies(), expected, 'the same after retention deleted the rows');
  });

  it('exports when the oldest notification waiting was raised, per channel, and nothing for a channel with none', () => {
    const db = freshStore();
    const config = configOf({ processes: { web: process_() }, notify: FULL.notify });
    const oldest = (): string[] | undefined =>
      shapeOf(collectMetrics(db, config, TICK)).find(
        ([name]) => name === 'watchdog_notification_oldest_pending_timestamp_seconds gauge',
      )?.[1];
    assert.deepEqual(oldest(), [], 'nothing waits');
    const at = (ms: number): string => formatUtcTimestamp(new Date(ms));
    const queue = (channel: string, createdAt: string): number =>
      queueNotification(db, { channel, event: 'gave_up', subject: 'web', createdAt, payload: '{}' });
    const first = queue('ops', at(NOW - 3_600_000));
    // Raised after, but stamped earlier: the clock was set back in between. It has waited longest by the clock.
    queue('ops', at(NOW - 7_200_000));
    markDelivered(db, queue('sms', at(NOW - 60_000)), at(NOW), 1);
    assert.deepEqual(oldest(), [`{"channel":"ops"} ${(NOW - 7_200_000) / 1000}`]);
    markDelivered(db, first, at(NOW), 1);
    assert.deepEqual(oldest(), [`{"channel":"ops"} ${(NOW - 7_200_000) / 1000}`]);
    markAttemptFailed(db, 2, at(NOW), 1, 'HTTP 401', 'failed');
    assert.deepEqual(oldest(), [], 'refused for good: no longer waiting');
  });

  it('exports the free-space thresholds a file system entry has, and none it does not', () => {
    const db = freshStore();
    const config = configOf({
      processes: {},
      filesystems: {
        logs: { path: '/var/log', min_free_mb: 200, min_free_percent: 10 },
        root: { path: '/', min_free_mb: 0.5 },
        flag: { path: '/data', fail_if_read_only: true },
        off: { path: '/srv', min_free_mb: 1, enabled: false },
      },
    });
    const shape = shapeOf(collectMetrics(db, config, TICK));
    const family = (name: string): string[] | undefined => shape.find(([candidate]) => candidate === name)?.[1];
    assert.deepEqual(family('watchdog_filesystem_min_free_bytes gauge'), [
      '{"filesystem":"logs"} 209715200',
      '{"filesystem":"root"} 524288',
    ]);
    assert.deepEqual(family('watchdog_filesystem_min_free_percent gauge'), ['{"filesystem":"logs"} 10']);
  });

  it('does not export a disabled process', () => {
    const db = freshStore();
    processState(db, 'old', 'timed_out', 5, 100);
    const families = collectMetrics(db, configOf(FULL), TICK);
    for (const family of families.filter((candidate) => candidate.name.startsWith('watchdog_process_'))) {
      assert.ok(
        !family.samples.some((sample) => sample.labels.process === 'old'),
        `${family.name} has no sample of the disabled process`,
      );
    }
  });

  it('exports only the process and tick families without network and notify sections', () => {
    const db = freshStore();
    const families = collectMetrics(db, configOf({ processes: { web: process_() } }), {
      endedAtMs: NOW,
      durationMs: 10,
      failed: false,
      lastSuccessfulAtMs: undefined,
    });
    assert.deepEqual(shapeOf(families), [
      ['watchdog_process_up gauge', ['{"process":"web"} 0']],
      ['watchdog_process_state gauge', stateSamples('web', undefined).sort()],
      ['watchdog_process_consecutive_failures gauge', ['{"process":"web"} 0']],
      ['watchdog_process_last_check_timestamp_seconds gauge', []],
      ['watchdog_process_heartbeat_age_seconds gauge', []],
      ['watchdog_process_memory_bytes gauge', []],
      ['watchdog_process_cpu_percent gauge', []],
      ['watchdog_process_matches gauge', []],
      ['watchdog_process_memory_limit_bytes gauge', []],
      ['watchdog_process_cpu_limit_percent gauge', []],
      ['watchdog_process_descendants gauge', []],
      ['watchdog_process_restarts_total counter', ['{"process":"web"} 0']],
      ['watchdog_process_state_since_timestamp_seconds gauge', []],
      ['watchdog_process_heartbeat_iteration gauge', []],
      ['watchdog_recoveries_total counter', []],
      ['watchdog_tick_duration_seconds gauge', ['{} 0.01']],
      ['watchdog_tick_failed gauge', ['{} 0']],
      ['watchdog_last_tick_timestamp_seconds gauge', [`{} ${NOW / 1000}`]],
      ['watchdog_last_successful_tick_timestamp_seconds gauge', []],
    ]);
  });

  it('leaves out link_up for an interface never checked, and says 1 for a link that is up', () => {
    const db = freshStore();
    const config = configOf({ processes: { web: process_() }, network: { interface: 'eth0' } });
    const linkUp = (): string[] =>
      shapeOf(collectMetrics(db, config, TICK)).find(([name]) => name === 'watchdog_network_link_up gauge')?.[1] ?? [
        'absent',
      ];
    assert.deepEqual(linkUp(), []);
    recordNetworkCheck(db, 'eth0', {
      checkedAt: CHECKED_AT,
      state: 'up',
      reason: 'up',
      consecutiveFailures: 0,
      failingSince: null,
      seenAt: CHECKED_AT,
      resetLadderFailures: true,
    });
    assert.deepEqual(linkUp(), ['{"interface":"eth0"} 1']);
    const reboots = shapeOf(collectMetrics(db, config, TICK)).find(
      ([name]) => name === 'watchdog_reboots_total counter',
    )?.[1];
    assert.deepEqual(reboots, ['{"interface":"eth0"} 0'], 'a device that never rebooted says 0');
  });
});
