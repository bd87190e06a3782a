import { directWriter } from '../../src/store/audit-writer.js';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { NetworkConfig, RawNetworkConfig } from '../../src/network/config/network-types.js';
import { normalizeNetwork } from '../../src/network/config/normalize-network.js';
import type { Logger } from '../../src/logging/logger.js';
import type { MassStorageBacking, MassStorageScan } from '../../src/network/reboot/find-mass-storage.js';
import { previewNetwork } from '../../src/network/preview-network.js';
import type { ProbeSetSpec } from '../../src/probes/probe.js';
import { runNetworkTick, type NetworkTickOutcome } from '../../src/network/run-network-tick.js';
import { recordNetworkEvent } from '../../src/network/store/record-network-event.js';
import { readReboots, type NetworkEventRow } from '../../src/network/store/read-network-events.js';
import {
  emptyNetworkState,
  readNetworkState,
  type NetworkStateRow,
} from '../../src/network/store/read-network-state.js';
import { openStore, type Store } from '../../src/store/open-store.js';
import { formatUtcTimestamp } from '../../src/time/format-utc-timestamp.js';
import { onCleanup } from '../helpers/cleanup.js';
import {
  FAKE_BOOT_ID,
  fakeNetworkSystem,
  probeSetResult,
  type FakeNetworkSystem,
  type FakeNetworkSystemOptions,
} from '../helpers/fake-network-system.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { recordingLogger } from '../helpers/recording-logger.js';

const MINUTE = 60_000;
const REBOOT_COMMAND = './reboot-stub.sh';
/** Never contacted: the fake answers for it. */
const VETO: ProbeSetSpec = { mode: 'any', probes: [{ type: 'tcp', host: '10.0.0.1', port: 53, timeout_seconds: 2 }] };

interface Harness {
  dir: string;
  dbPath: string;
  db: Store;
  network: NetworkConfig;
  fake: FakeNetworkSystem;
  logger: Logger & { lines: string[] };
  tick(): Promise<NetworkTickOutcome>;
  /** Every event, oldest first. */
  events(): NetworkEventRow[];
  state(): NetworkStateRow;
}

/** A real database in a temp folder, a network section (bounce → restart-networking by default) and a fake system. */
function harness(raw: Partial<RawNetworkConfig> = {}, fakeOptions: FakeNetworkSystemOptions = {}): Harness {
  const dir = makeTempDir();
  const dbPath = join(dir, 'state', 'watchdog.db');
  const db = openStore(dbPath);
  onCleanup(() => db.close());
  const network = normalizeNetwork(
    {
      interface: 'eth0',
      ladder: [
        { type: 'bounce' },
        { type: 'command', name: 'restart-networking', command: 'systemctl restart networking' },
      ],
      ...raw,
    },
    dir,
  );
  const fake = fakeNetworkSystem(fakeOptions);
  const logger = recordingLogger();
  return {
    dir,
    dbPath,
    db,
    network,
    fake,
    logger,
    tick: () =>
      runNetworkTick(network, { audit: directWriter(db), system: fake, logger, configPath: join(dir, 'config.json') }),
    events: () => db.prepare<[], NetworkEventRow>('SELECT * FROM network_events ORDER BY id').all(),
    state: () => readNetworkState(db, 'eth0'),
  };
}

/** A link without carrier, none of whose rungs helps. */
const noCarrier = (options: FakeNetworkSystemOptions = {}): FakeNetworkSystemOptions => ({
  ...options,
  link: { carrier: false, ...options.link },
});

/** Settings under which every failed check climbs the ladder at once and a reboot is considered after two failed runs. */
const rebootSettings = (
  reboot: Partial<NonNullable<RawNetworkConfig['reboot']>> = {},
  raw: Partial<RawNetworkConfig> = {},
): Partial<RawNetworkConfig> => ({
  consecutive_failures_threshold: 1,
  interval_minutes: 5,
  max_failures: 2,
  ladder: [{ type: 'bounce' }],
  reboot: { command: REBOOT_COMMAND, cooldown_seconds: 3600, max_per_day: 3, ...reboot },
  ...raw,
});

const kinds = (events: readonly NetworkEventRow[]): string[] => events.map((event) => event.kind);
const rebootCommands = (fake: FakeNetworkSystem) =>
  fake.shellCommands.filter((command) => command.command === REBOOT_COMMAND);

describe('runNetworkTick: detection', () => {
  it('records nothing but the state for a healthy first check', async () => {
    const h = harness();
    const outcome = await h.tick();
    assert.equal(outcome.previousState, undefined);
    assert.equal(outcome.verdict.state, 'up');
    assert.equal(outcome.decision.kind, 'healthy');
    assert.equal(outcome.ladder, undefined);
    assert.deepEqual(h.events(), []);
    const state = h.state();
    const checkedAt = formatUtcTimestamp(h.fake.now());
    assert.equal(state.last_state, 'up');
    assert.equal(state.last_reason, 'eth0 up, 192.0.2.10');
    assert.equal(state.last_check_at, checkedAt);
    assert.equal(state.seen_at, checkedAt);
    assert.equal(state.consecutive_failures, 0);
    assert.equal(state.failing_since, null);
    assert.deepEqual(h.fake.setLinks, []);
    assert.deepEqual(h.fake.shellCommands, []);
  });

  it('records a failure below the threshold as link_down, and does not climb the ladder', async () => {
    const h = harness({ consecutive_failures_threshold: 2 }, noCarrier());
    const outcome = await h.tick();
    assert.equal(outcome.verdict.state, 'no_carrier');
    assert.equal(outcome.consecutiveFailures, 1);
    assert.equal(outcome.decision.kind, 'wait');
    const events = h.events();
    assert.deepEqual(kinds(events), ['link_down']);
    assert.equal(events[0]?.outcome, 'no_carrier');
    assert.match(events[0]?.detail ?? '', /no carrier on eth0/);
    const state = h.state();
    assert.equal(state.consecutive_failures, 1);
    assert.equal(state.failing_since, formatUtcTimestamp(h.fake.now()));
    assert.deepEqual(h.fake.setLinks, []);
    assert.deepEqual(h.fake.shellCommands, []);
  });

  it('records a link back by itself as link_up, and starts the count again', async () => {
    const h = harness({ consecutive_failures_threshold: 3 }, noCarrier());
    await h.tick();
    h.fake.advance(MINUTE);
    h.fake.link.carrier = true;
    const outcome = await h.tick();
    assert.equal(outcome.previousState, 'no_carrier');
    assert.equal(outcome.decision.kind, 'healthy');
    const events = h.events();
    assert.deepEqual(kinds(events), ['link_down', 'link_up']);
    assert.equal(events[1]?.outcome, 'up');
    assert.equal(events[1]?.detail, 'back by itself after 1 failed check: eth0 up, 192.0.2.10');
    assert.equal(events[1]?.ladder_id, null);
    const state = h.state();
    assert.equal(state.consecutive_failures, 0);
    assert.equal(state.failing_since, null);
    assert.deepEqual(h.fake.setLinks, []);
  });

  it('records no event while the state stays the same', async () => {
    const h = harness({ consecutive_failures_threshold: 5 }, noCarrier());
    for (let tick = 0; tick < 3; tick += 1) {
      await h.tick();
      h.fake.advance(MINUTE);
    }
    assert.deepEqual(kinds(h.events()), ['link_down']);
    assert.equal(h.state().consecutive_failures, 3);
  });

  it('takes an interface that was never seen for a typo: check_error, no failure, no ladder, ever', async () => {
    const h = harness({ consecutive_failures_threshold: 1, interface: 'eht0' });
    for (let tick = 0; tick < 3; tick += 1) {
      const outcome = await h.tick();
      assert.equal(outcome.verdict.state, 'check_error');
      assert.equal(outcome.decision.kind, 'not_judged');
      assert.equal(outcome.consecutiveFailures, 0);
      h.fake.advance(10 * MINUTE);
    }
    const events = h.events();
    assert.deepEqual(kinds(events), ['check_error'], 'recorded once, when it changed');
    assert.match(events[0]?.detail ?? '', /eht0 does not exist and was never seen/);
    const state = readNetworkState(h.db, 'eht0');
    assert.equal(state.consecutive_failures, 0);
    assert.equal(state.seen_at, null);
    assert.deepEqual(h.fake.setLinks, []);
    assert.deepEqual(h.fake.shellCommands, []);
  });

  it('counts an interface that was seen before and is gone as a failure: missing', async () => {
    const h = harness({ consecutive_failures_threshold: 3 });
    await h.tick();
    const seenAt = h.state().seen_at;
    assert.notEqual(seenAt, null);
    h.fake.advance(MINUTE);
    h.fake.link.exists = false;
    const outcome = await h.tick();
    assert.equal(outcome.verdict.state, 'missing');
    assert.equal(outcome.consecutiveFailures, 1);
    const events = h.events();
    assert.deepEqual(kinds(events), ['link_down']);
    assert.equal(events[0]?.outcome, 'missing');
    assert.equal(h.state().seen_at, seenAt, 'the last time it existed stays');
  });

  it('leaves the failure count and failing_since as they are on a check_error', async () => {
    const h = harness({ consecutive_failures_threshold: 5 }, noCarrier());
    await h.tick();
    const failingSince = h.state().failing_since;
    h.fake.advance(MINUTE);
    h.fake.link.unreadable = 'EIO: i/o error';
    const outcome = await h.tick();
    assert.equal(outcome.verdict.state, 'check_error');
    assert.equal(outcome.decision.kind, 'not_judged');
    assert.equal(outcome.consecutiveFailures, 1);
    assert.equal(h.state().consecutive_failures, 1);
    assert.equal(h.state().failing_since, failingSince);
    h.fake.advance(MINUTE);
    delete h.fake.link.unreadable;
    const third = await h.tick();
    assert.equal(third.consecutiveFailures, 2);
    assert.equal(h.state().failing_since, failingSince);
    assert.deepEqual(kinds(h.events()), ['link_down', 'check_error', 'link_down']);
  });
});

describe('runNetworkTick: the ladder', () => {
  it('at the threshold climbs the ladder, records each rung under the ladder, and the rung that healed', async () => {
    const h = harness(
      {
        consecutive_failures_threshold: 2,
        ladder: [
          { type: 'bounce' },
          { type: 'command', name: 'restart-networking', command: 'systemctl restart networking' },
          { type: 'command', name: 'respawn-nm', command: 'systemctl restart NetworkManager' },
        ],
      },
      noCarrier({
        shellResult: (options, fake) => {
          if (options.env.WATCHDOG_ACTION === 'restart-networking') fake.link.carrier = true;
          return undefined;
        },
      }),
    );
    await h.tick();
    h.fake.advance(MINUTE);
    const outcome = await h.tick();
    assert.equal(outcome.decision.kind, 'run');
    assert.equal(outcome.ladder?.outcome, 'healed');
    assert.equal(outcome.ladder?.healedBy, 'restart-networking');
    assert.equal(outcome.rebootDecision, undefined);

    const events = h.events();
    assert.deepEqual(kinds(events), [
      'link_down',
      'ladder_start',
      'link_set_down',
      'rung',
      'rung',
      'ladder_end',
      'link_up',
    ]);
    const [, start, note, bounce, restart, end, up] = events;
    // The bounce's durable note, written before the link went down, completed once it was up again.
    assert.deepEqual([note?.outcome, note?.detail, note?.ladder_id], ['up', 'eth0', start?.id]);
    assert.ok(
      start !== undefined && bounce !== undefined && restart !== undefined && end !== undefined && up !== undefined,
      'six events',
    );
    assert.equal(start.outcome, 'no_carrier');
    assert.match(start.detail ?? '', /2 consecutive failed checks, threshold 2/);
    for (const row of [bounce, restart, end, up])
      assert.equal(row.ladder_id, start.id, `${row.kind} belongs to the ladder run`);
    assert.deepEqual([bounce.rung, bounce.outcome], ['bounce', 'not_healed']);
    assert.match(bounce.detail ?? '', /^set eth0 down for 2s, then up; then: no_carrier: /);
    assert.deepEqual(
      [restart.rung, restart.outcome, restart.exit_code, restart.duration_ms],
      ['restart-networking', 'healed', 0, 50],
    );
    assert.match(restart.detail ?? '', /^exited 0 after 50ms; then: up: eth0 up, 192\.0\.2\.10$/);
    assert.deepEqual(
      [end.rung, end.outcome, end.detail],
      ['restart-networking', 'healed', 'healed by restart-networking'],
    );
    assert.deepEqual([up.rung, up.outcome], ['restart-networking', 'up']);
    assert.match(up.detail ?? '', /^healed by rung restart-networking: /);

    const state = h.state();
    assert.equal(state.last_state, 'up');
    assert.equal(state.consecutive_failures, 0);
    assert.equal(state.failing_since, null);
    assert.equal(state.last_healed_by, 'restart-networking');
    assert.equal(state.last_ladder_id, start.id);
    assert.equal(state.last_ladder_outcome, 'healed');
    assert.equal(state.last_ladder_at, start.at);
    assert.equal(state.failed_ladder_runs, 0);
    assert.deepEqual(
      h.fake.shellCommands.map((command) => command.env.WATCHDOG_ACTION),
      ['restart-networking'],
      'respawn-nm never ran',
    );
    assert.equal(h.fake.shellCommands[0]?.cwd, h.dir, "rungs run in the config file's folder");
    assert.equal(h.fake.shellCommands[0]?.env.WATCHDOG_REASON, `no_carrier: ${outcome.verdict.reason}`);

    h.fake.advance(MINUTE);
    await h.tick();
    assert.equal(h.events().length, 7, 'the next healthy check is no news');
  });

  it('climbs the ladder at most every interval_minutes (virtual clock)', async () => {
    const h = harness(
      { consecutive_failures_threshold: 1, interval_minutes: 5, ladder: [{ type: 'bounce' }] },
      noCarrier(),
    );
    const firstLadderAt = h.fake.clockMs;
    const first = await h.tick();
    assert.equal(first.ladder?.outcome, 'failed');

    h.fake.advance(MINUTE);
    const second = await h.tick();
    assert.equal(second.decision.kind, 'wait');
    assert.equal(second.ladder, undefined);
    assert.match(
      second.decision.kind === 'wait' ? second.decision.reason : '',
      /runs at most every 5m 00s \(next in 3m 43s\)/,
    );

    h.fake.clockMs = firstLadderAt + 5 * MINUTE - 1;
    assert.equal((await h.tick()).decision.kind, 'wait');
    assert.equal(h.fake.setLinks.length, 2, 'only the first run bounced');

    h.fake.clockMs = firstLadderAt + 5 * MINUTE;
    const third = await h.tick();
    assert.equal(third.decision.kind, 'run');
    assert.equal(third.ladder?.outcome, 'failed');
    assert.equal(kinds(h.events()).filter((kind) => kind === 'ladder_start').length, 2);
    assert.equal(h.state().failed_ladder_runs, 2);
  });

  it('records a run that no rung healed as failed, and the reboot held when none is configured', async () => {
    const h = harness({ consecutive_failures_threshold: 1 }, noCarrier());
    const outcome = await h.tick();
    assert.equal(outcome.ladder?.outcome, 'failed');
    const events = h.events();
    assert.deepEqual(kinds(events), [
      'link_down',
      'ladder_start',
      'link_set_down',
      'rung',
      'rung',
      'ladder_end',
      'reboot_held',
    ]);
    const end = events[5];
    assert.equal(end?.outcome, 'failed');
    assert.match(end?.detail ?? '', /no rung healed the link; 1 consecutive failed ladder run/);
    assert.equal(events[6]?.rung, 'no_reboot_command');
    assert.equal(h.state().last_ladder_outcome, 'failed');
    assert.equal(h.state().failed_ladder_runs, 1);
    assert.equal(h.state().last_healed_by, null);
  });
});

describe('runNetworkTick: reboots', () => {
  it('holds by max_failures, then records the reboot before its command runs, then holds by cooldown', async () => {
    const h = harness(rebootSettings(), noCarrier());
    const seenByCommand: NetworkEventRow[][] = [];
    // Inside the reboot command: is its row already in the database, for another connection to read?
    h.fake.runShellCommand = ((original) => async (options) => {
      if (options.command === REBOOT_COMMAND) {
        const reader = new Database(h.dbPath, { readonly: true });
        try {
          seenByCommand.push(
            reader.prepare<[], NetworkEventRow>("SELECT * FROM network_events WHERE kind = 'reboot'").all(),
          );
        } finally {
          reader.close();
        }
      }
      return original(options);
    })(h.fake.runShellCommand);

    const first = await h.tick();
    assert.equal(first.ladder?.outcome, 'failed');
    assert.deepEqual(first.rebootDecision, {
      kind: 'hold',
      guard: 'max_failures',
      reason: '1 of 2 consecutive failed ladder runs',
    });
    const held = h.events().at(-1);
    assert.deepEqual([held?.kind, held?.rung, held?.outcome], ['reboot_held', 'max_failures', 'held']);
    assert.equal(held?.ladder_id, h.state().last_ladder_id);
    assert.deepEqual(rebootCommands(h.fake), []);

    h.fake.advance(5 * MINUTE);
    const second = await h.tick();
    assert.equal(second.rebootDecision?.kind, 'reboot');
    assert.equal(rebootCommands(h.fake).length, 1);
    assert.equal(seenByCommand.length, 1);
    const rowThen = seenByCommand[0]?.[0];
    assert.equal(seenByCommand[0]?.length, 1, 'the reboot row was committed before the command ran');
    assert.equal(rowThen?.outcome, 'requested');
    assert.equal(rowThen?.ladder_id, h.state().last_ladder_id);
    assert.equal(rowThen?.exit_code, null);

    const [reboot] = readReboots(h.db);
    assert.equal(reboot?.id, second.reboot?.eventId);
    assert.equal(reboot?.outcome, 'requested');
    assert.equal(reboot?.exit_code, 0);
    assert.equal(reboot?.duration_ms, 50);
    assert.match(
      reboot?.detail ?? '',
      /^2 consecutive failed ladder runs \(max_failures 2\); command exited 0 after 50ms$/,
    );
    assert.equal(second.reboot?.commandOk, true);
    const command = rebootCommands(h.fake)[0];
    assert.equal(command?.cwd, h.dir);
    assert.equal(command?.timeoutMs, 60_000);
    assert.equal(command?.env.WATCHDOG_ACTION, 'reboot');
    assert.equal(command?.env.WATCHDOG_INTERFACE, 'eth0');
    assert.equal(command?.env.WATCHDOG_REASON, second.reboot?.reason);
    assert.ok(
      h.logger.lines.some((line) => line.startsWith('error network eth0: REBOOTING the device')),
      'the reboot is logged as an error',
    );

    // The device did not go down (or came back with the link still down): the cooldown holds.
    h.fake.advance(5 * MINUTE);
    const third = await h.tick();
    assert.equal(third.ladder?.outcome, 'failed');
    assert.equal(third.rebootDecision?.kind, 'hold');
    assert.equal(third.rebootDecision?.kind === 'hold' ? third.rebootDecision.guard : undefined, 'cooldown');
    assert.equal(rebootCommands(h.fake).length, 1, 'no second reboot');
    const lastHeld = h.events().at(-1);
    assert.deepEqual([lastHeld?.kind, lastHeld?.rung], ['reboot_held', 'cooldown']);
    assert.match(lastHeld?.detail ?? '', /^the last reboot was 5m 17s ago; the cooldown is 60m 00s \(54m 43s left\)$/);
    assert.equal(readReboots(h.db).length, 1);
  });

  it("holds by cooldown in the next boot too, even when that boot's wall clock starts in the past (no RTC)", async () => {
    const h = harness(rebootSettings({}, { max_failures: 1 }), noCarrier());
    await h.tick();
    assert.equal(rebootCommands(h.fake).length, 1);
    // Rebooted: a new boot whose clock starts an hour behind (no RTC, no NTP without a network), 2 minutes of uptime.
    h.fake.startNewBoot('2b0e1d00-0000-4000-8000-000000000002');
    h.fake.stepWallClock(-60 * MINUTE);
    h.fake.advance(2 * MINUTE);
    const inNewBoot = await h.tick();
    assert.equal(inNewBoot.rebootDecision?.kind === 'hold' ? inNewBoot.rebootDecision.guard : undefined, 'cooldown');
    assert.match(
      inNewBoot.rebootDecision?.kind === 'hold' ? inNewBoot.rebootDecision.reason : '',
      /^the last reboot was 2m 17s ago/,
    );
    assert.equal(rebootCommands(h.fake).length, 1);
  });

  it('holds by cooldown within one boot even when NTP steps the wall clock a day ahead', async () => {
    const h = harness(rebootSettings({}, { max_failures: 1 }), noCarrier());
    await h.tick();
    h.fake.advance(5 * MINUTE);
    h.fake.stepWallClock(24 * 60 * MINUTE);
    const after = await h.tick();
    assert.equal(after.rebootDecision?.kind === 'hold' ? after.rebootDecision.guard : undefined, 'cooldown');
    assert.equal(rebootCommands(h.fake).length, 1);
  });

  it('records a reboot command that fails as command_failed, with what it said', async () => {
    const h = harness(
      rebootSettings({}, { max_failures: 1 }),
      noCarrier({
        shellResult: (options) =>
          options.command === REBOOT_COMMAND
            ? { exitCode: 1, outputTail: 'Failed to reboot: Access denied\n' }
            : undefined,
      }),
    );
    const outcome = await h.tick();
    assert.equal(outcome.reboot?.commandOk, false);
    assert.equal(outcome.reboot?.detail, 'exited 1 after 50ms');
    const [reboot] = readReboots(h.db);
    assert.equal(reboot?.outcome, 'command_failed');
    assert.equal(reboot?.exit_code, 1);
    assert.equal(reboot?.output_tail, 'Failed to reboot: Access denied\n');
    assert.ok(
      h.logger.lines.some((line) => line.includes('the reboot command failed: exited 1')),
      'the failed command is logged',
    );
  });

  it('records a reboot command that times out as command_failed, naming reboot.timeout_seconds', async () => {
    const h = harness(
      rebootSettings({ timeout_seconds: 30 }, { max_failures: 1 }),
      noCarrier({
        shellResult: (options) =>
          options.command === REBOOT_COMMAND
            ? { exitCode: null, signal: 'SIGKILL', timedOut: true, durationMs: options.timeoutMs }
            : undefined,
      }),
    );
    await h.tick();
    assert.equal(rebootCommands(h.fake)[0]?.timeoutMs, 30_000);
    const [reboot] = readReboots(h.db);
    assert.equal(reboot?.outcome, 'command_failed');
    assert.match(reboot?.detail ?? '', /command timed out after 30s \(reboot\.timeout_seconds\)/);
  });

  const kvmd: MassStorageBacking = {
    gadget: '/sys/kernel/config/usb_gadget/kvmd',
    function: 'mass_storage.usb0',
    lun: 'lun.0',
    file: '/data/debian.iso',
    udc: 'fe980000.usb',
  };
  const gadget: MassStorageScan = { backings: [kvmd] };
  const earlierGuards: [
    guard: string,
    when: string,
    prepare: (h: Harness) => void,
    raw: Partial<RawNetworkConfig>,
    detail: RegExp,
  ][] = [
    [
      'max_failures',
      'one failed run of two',
      () => undefined,
      rebootSettings({ veto_if_reachable: VETO }),
      /1 of 2 consecutive failed ladder runs/,
    ],
    [
      'cooldown',
      'a reboot 10 minutes ago in this boot',
      (h) => stampReboot(h, 10 * 60, FAKE_BOOT_ID),
      rebootSettings({ veto_if_reachable: VETO }, { max_failures: 1 }),
      /the last reboot was 10m 17s ago; the cooldown is 60m 00s \(49m 43s left\)/,
    ],
    [
      'max_per_day',
      'three reboots in the last day, none in the cooldown',
      (h) => {
        for (const hoursAgo of [20, 10, 2]) stampReboot(h, hoursAgo * 3600, `other-boot-${hoursAgo}`);
      },
      rebootSettings({ veto_if_reachable: VETO }, { max_failures: 1 }),
      /3 reboots in the last 24 hours; at most 3 a day/,
    ],
    [
      'maintenance_flag',
      'the flag file exists',
      (h) => h.fake.files.add(join(h.dir, 'maintenance')),
      rebootSettings({ veto_if_reachable: VETO, maintenance_flag: 'maintenance' }, { max_failures: 1 }),
      /the maintenance flag \/.+\/maintenance exists/,
    ],
    [
      'usb_mass_storage',
      'a bound gadget presents a disk image',
      (h) => {
        h.fake.massStorage = gadget;
      },
      rebootSettings({ veto_if_reachable: VETO }, { max_failures: 1 }),
      /a USB mass-storage gadget is in use: kvmd\/mass_storage\.usb0\/lun\.0 presents \/data\/debian\.iso \(bound to fe980000\.usb\)/,
    ],
    [
      'usb_mass_storage',
      'the gadgets cannot be read',
      (h) => {
        h.fake.massStorage = {
          backings: [],
          error: 'EACCES: permission denied, scandir /sys/kernel/config/usb_gadget',
        };
      },
      rebootSettings({ veto_if_reachable: VETO }, { max_failures: 1 }),
      /cannot tell whether a USB disk image is presented: EACCES/,
    ],
  ];
  for (const [guard, when, prepare, raw, detail] of earlierGuards) {
    it(`holds by ${guard} when ${when}, without running the veto probes or the command`, async () => {
      const h = harness(raw, noCarrier({ probeSetResult: (set) => probeSetResult(set, false) }));
      prepare(h);
      const outcome = await h.tick();
      assert.equal(outcome.rebootDecision?.kind, 'hold');
      assert.equal(outcome.rebootDecision?.kind === 'hold' ? outcome.rebootDecision.guard : undefined, guard);
      const held = h.events().at(-1);
      assert.deepEqual([held?.kind, held?.rung, held?.outcome], ['reboot_held', guard, 'held']);
      assert.match(held?.detail ?? '', detail);
      assert.deepEqual(h.fake.probeSets, [], 'the veto probes cost time: not run when an earlier guard holds');
      assert.deepEqual(rebootCommands(h.fake), []);
      assert.ok(
        h.logger.lines.some((line) => line.startsWith(`warn network eth0: no reboot, held by ${guard}`)),
        'the guard is logged',
      );
    });
  }

  it('asks the maintenance flag and the USB gadgets where the config says', async () => {
    const h = harness(
      rebootSettings(
        { maintenance_flag: 'maintenance', usb_guard: { gadget_dir: 'usb_gadget/kvmd' } },
        { max_failures: 1, configfs_root: '/cfg' },
      ),
      noCarrier(),
    );
    await h.tick();
    assert.deepEqual(h.fake.fileExistsCalls, [join(h.dir, 'maintenance')]);
    assert.deepEqual(h.fake.massStorageScans, ['/cfg/usb_gadget/kvmd']);
  });

  it('lets a gadget that is not bound through when only_when_bound', async () => {
    const h = harness(rebootSettings({ usb_guard: { only_when_bound: true } }, { max_failures: 1 }), noCarrier());
    h.fake.massStorage = { backings: [{ ...kvmd, udc: '' }] };
    const outcome = await h.tick();
    assert.equal(outcome.rebootDecision?.kind, 'reboot');
    assert.equal(rebootCommands(h.fake).length, 1);
  });

  it('does not scan for USB gadgets when the guard is disabled', async () => {
    const h = harness(rebootSettings({ usb_guard: { enabled: false } }, { max_failures: 1 }), noCarrier());
    h.fake.massStorage = gadget;
    const outcome = await h.tick();
    assert.equal(outcome.rebootDecision?.kind, 'reboot');
    assert.deepEqual(h.fake.massStorageScans, []);
  });

  it('runs the veto probes once every other guard lets the reboot through, and holds when they answer', async () => {
    const h = harness(
      rebootSettings({ veto_if_reachable: VETO }, { max_failures: 1 }),
      noCarrier({ probeSetResult: (set) => probeSetResult(set, true) }),
    );
    const outcome = await h.tick();
    assert.deepEqual(h.fake.probeSets, [VETO]);
    assert.equal(outcome.rebootDecision?.kind === 'hold' ? outcome.rebootDecision.guard : undefined, 'reachable');
    const held = h.events().at(-1);
    assert.deepEqual([held?.kind, held?.rung], ['reboot_held', 'reachable']);
    assert.match(
      held?.detail ?? '',
      /the network is not the problem, the veto probes answer: any of 1 answered: tcp 10\.0\.0\.1:53/,
    );
    assert.deepEqual(rebootCommands(h.fake), []);
    assert.deepEqual(readReboots(h.db), []);
  });

  it('reboots when the veto probes do not answer either, and says so in the reason', async () => {
    const h = harness(
      rebootSettings({ veto_if_reachable: VETO }, { max_failures: 1 }),
      noCarrier({ probeSetResult: (set) => probeSetResult(set, false) }),
    );
    const outcome = await h.tick();
    assert.deepEqual(h.fake.probeSets, [VETO]);
    assert.equal(outcome.rebootDecision?.kind, 'reboot');
    assert.match(outcome.reboot?.reason ?? '', /the veto probes do not answer \(none of 1 answered/);
    assert.equal(rebootCommands(h.fake).length, 1);
  });

  it('never reboots after a healed run, and a healthy check starts the count of failed runs again', async () => {
    const h = harness(rebootSettings(), noCarrier());
    await h.tick();
    assert.equal(h.state().failed_ladder_runs, 1);
    h.fake.advance(MINUTE);
    h.fake.link.carrier = true;
    await h.tick();
    assert.equal(h.state().failed_ladder_runs, 0);
    h.fake.advance(5 * MINUTE);
    h.fake.link.carrier = false;
    const outcome = await h.tick();
    assert.equal(outcome.rebootDecision?.kind === 'hold' ? outcome.rebootDecision.guard : undefined, 'max_failures');
    assert.deepEqual(rebootCommands(h.fake), []);
  });
});

describe('runNetworkTick: stamps', () => {
  it('stamps every event with the boot id and uptime the system reports at that moment', async () => {
    const h = harness(rebootSettings({}, { max_failures: 1 }), noCarrier({ uptimeSeconds: 500 }));
    const bootStartedAtMs = h.fake.bootStartedAtMs ?? NaN;
    await h.tick();
    const events = h.events();
    assert.deepEqual(kinds(events), ['link_down', 'ladder_start', 'link_set_down', 'rung', 'ladder_end', 'reboot']);
    for (const event of events) {
      assert.equal(event.boot_id, FAKE_BOOT_ID, `${event.kind}: boot`);
      assert.equal(
        event.uptime_seconds,
        (Date.parse(event.at) - bootStartedAtMs) / 1000,
        `${event.kind}: uptime at ${event.at}`,
      );
    }
    assert.ok(
      (events.at(-1)?.uptime_seconds ?? 0) > (events[0]?.uptime_seconds ?? Infinity),
      'the ladder took (virtual) time',
    );

    h.fake.startNewBoot('2b0e1d00-0000-4000-8000-000000000002');
    h.fake.advance(30_000);
    h.fake.link.carrier = true;
    await h.tick();
    const back = h.events().at(-1);
    assert.deepEqual(
      [back?.kind, back?.boot_id, back?.uptime_seconds],
      ['link_up', '2b0e1d00-0000-4000-8000-000000000002', 30],
    );
  });

  it('leaves boot and uptime empty on a system that does not tell them', async () => {
    const h = harness({ consecutive_failures_threshold: 3 }, noCarrier({ bootId: null, uptimeSeconds: null }));
    await h.tick();
    const [down] = h.events();
    assert.equal(down?.boot_id, null);
    assert.equal(down?.uptime_seconds, null);
  });
});

describe('previewNetwork', () => {
  it('reports the ladder and the reboot it would make, without setting the link or running any command', async () => {
    const h = harness(
      rebootSettings({ veto_if_reachable: VETO }, { consecutive_failures_threshold: 2, max_failures: 2 }),
      noCarrier(),
    );
    const state: NetworkStateRow = {
      ...emptyNetworkState('eth0'),
      last_state: 'no_carrier',
      consecutive_failures: 1,
      failed_ladder_runs: 1,
      seen_at: '2026-06-30T11:00:00.000000+00:00',
    };
    const preview = await previewNetwork(h.network, state, [], h.fake);
    assert.equal(preview.verdict.state, 'no_carrier');
    assert.equal(preview.consecutiveFailures, 2);
    assert.equal(preview.decision.kind, 'run');
    assert.equal(preview.failedLadderRunsIfNoRungHeals, 2);
    assert.equal(preview.rebootIfNoRungHeals.kind, 'reboot');
    assert.deepEqual(h.fake.setLinks, []);
    assert.deepEqual(h.fake.shellCommands, []);
    assert.deepEqual(h.fake.sleeps, []);
    assert.ok(
      !h.fake.callNames().some((call) => call.startsWith('setLink') || call.startsWith('shell')),
      'no link set, no command run',
    );
    assert.deepEqual(h.events(), [], 'nothing written');
  });

  it('names the guard that would decide', async () => {
    const h = harness(
      rebootSettings(
        { veto_if_reachable: VETO, maintenance_flag: 'maintenance' },
        { consecutive_failures_threshold: 1, max_failures: 1 },
      ),
      noCarrier(),
    );
    h.fake.files.add(join(h.dir, 'maintenance'));
    const preview = await previewNetwork(h.network, emptyNetworkState('eth0'), [], h.fake);
    assert.equal(preview.rebootIfNoRungHeals.kind, 'hold');
    assert.equal(
      preview.rebootIfNoRungHeals.kind === 'hold' ? preview.rebootIfNoRungHeals.guard : undefined,
      'maintenance_flag',
    );
    assert.deepEqual(h.fake.probeSets, [], 'no veto probes when an earlier guard holds');
    assert.deepEqual(h.fake.setLinks, []);
    assert.deepEqual(h.fake.shellCommands, []);
  });

  it('counts past reboots for the cooldown, and says max_failures when the runs are too few', async () => {
    const h = harness(rebootSettings({}, { max_failures: 1 }), noCarrier());
    const reboot: NetworkEventRow = {
      id: 7,
      at: formatUtcTimestamp(new Date(h.fake.clockMs - 10 * MINUTE)),
      boot_id: FAKE_BOOT_ID,
      uptime_seconds: (h.fake.uptimeSeconds() ?? 0) - 600,
      interface: 'eth0',
      kind: 'reboot',
      ladder_id: 3,
      rung: null,
      outcome: 'requested',
      detail: null,
      duration_ms: null,
      exit_code: null,
      output_tail: null,
    };
    const cooldown = await previewNetwork(h.network, emptyNetworkState('eth0'), [reboot], h.fake);
    assert.equal(
      cooldown.rebootIfNoRungHeals.kind === 'hold' ? cooldown.rebootIfNoRungHeals.guard : undefined,
      'cooldown',
    );

    const h2 = harness(rebootSettings({}, { max_failures: 3 }), noCarrier());
    const few = await previewNetwork(h2.network, { ...emptyNetworkState('eth0'), failed_ladder_runs: 1 }, [], h2.fake);
    assert.equal(few.failedLadderRunsIfNoRungHeals, 2);
    assert.deepEqual(few.rebootIfNoRungHeals, {
      kind: 'hold',
      guard: 'max_failures',
      reason: '2 of 3 consecutive failed ladder runs',
    });
  });

  it('starts the count of failed runs again for a healthy link', async () => {
    const h = harness(rebootSettings());
    const preview = await previewNetwork(
      h.network,
      { ...emptyNetworkState('eth0'), last_state: 'up', failed_ladder_runs: 4 },
      [],
      h.fake,
    );
    assert.equal(preview.decision.kind, 'healthy');
    assert.equal(preview.failedLadderRunsIfNoRungHeals, 1);
  });

  it('treats a never-seen interface as not judged, and never as a failure', async () => {
    const h = harness(rebootSettings({}, { interface: 'eht0' }));
    const preview = await previewNetwork(h.network, emptyNetworkState('eht0'), [], h.fake);
    assert.equal(preview.verdict.state, 'check_error');
    assert.equal(preview.decision.kind, 'not_judged');
    assert.equal(preview.consecutiveFailures, 0);
  });
});

/** A past reboot row, `secondsAgo` by wall clock and (in the same boot) by uptime. */
function stampReboot(h: Harness, secondsAgo: number, bootId: string): void {
  const uptimeNow = h.fake.uptimeSeconds();
  recordNetworkEvent(
    h.db,
    {
      at: formatUtcTimestamp(new Date(h.fake.clockMs - secondsAgo * 1000)),
      bootId,
      // Another boot's uptime says nothing about this one's: any value does.
      uptimeSeconds: uptimeNow === undefined ? undefined : bootId === h.fake.bootId() ? uptimeNow - secondsAgo : 100,
    },
    { interface: 'eth0', kind: 'reboot', outcome: 'requested', detail: 'an earlier reboot' },
  );
}

describe('runNetworkTick: interruptions', () => {
  it('asked to stop while a bounce has the link down: set up at once, the run closed `interrupted`, counted, no reboot weighed', async () => {
    const controller = new AbortController();
    const h = harness(
      { consecutive_failures_threshold: 1, max_failures: 1 },
      noCarrier({
        // The stop request arrives while the bounce waits with the link down.
        onSleep: (_ms, fake) => {
          if (fake.setLinks.at(-1)?.[1] === false) controller.abort('SIGTERM');
        },
      }),
    );
    h.fake.signal = controller.signal;
    const outcome = await h.tick();
    assert.equal(outcome.ladder?.outcome, 'interrupted');
    assert.deepEqual(h.fake.setLinks, [
      ['eth0', false],
      ['eth0', true],
    ]);
    assert.deepEqual(h.fake.shellCommands, [], 'no further rung ran');
    assert.equal(outcome.rebootDecision, undefined, 'no reboot weighed');
    assert.deepEqual(kinds(h.events()), ['link_down', 'ladder_start', 'link_set_down', 'rung', 'ladder_end']);
    const end = h.events().at(-1);
    assert.equal(end?.outcome, 'interrupted');
    assert.match(
      end?.detail ?? '',
      /^interrupted by SIGTERM \(the watchdog was asked to stop\); 1 consecutive failed ladder run$/,
    );
    assert.deepEqual([h.state().failed_ladder_runs, h.state().last_ladder_outcome], [1, 'interrupted']);
  });

  it('after a run that died with the link down: sets it up, closes the run `interrupted` and counts it, before checking', async () => {
    const h = harness({ consecutive_failures_threshold: 5 }, noCarrier());
    await h.tick();
    const stamp = { at: formatUtcTimestamp(new Date(h.fake.clockMs)), bootId: FAKE_BOOT_ID, uptimeSeconds: undefined };
    const ladderId = recordNetworkEvent(h.db, stamp, {
      interface: 'eth0',
      kind: 'ladder_start',
      outcome: 'no_carrier',
    });
    recordNetworkEvent(h.db, stamp, {
      interface: 'eth0',
      kind: 'link_set_down',
      ladderId,
      outcome: 'down',
      detail: 'eth0',
    });
    h.fake.advance(MINUTE);
    await h.tick();
    assert.deepEqual(h.fake.setLinks, [['eth0', true]], 'set up again; nothing else');
    const events = h.events();
    assert.deepEqual(
      events.filter((event) => event.id >= ladderId).map((event) => `${event.kind}/${event.outcome ?? '-'}`),
      ['ladder_start/no_carrier', 'link_set_down/up', 'ladder_end/interrupted'],
    );
    assert.match(
      events.at(-1)?.detail ?? '',
      /stopped before this ladder run ended .*; 1 consecutive failed ladder run$/,
    );
    assert.deepEqual(
      [h.state().failed_ladder_runs, h.state().last_ladder_outcome, h.state().last_ladder_id],
      [1, 'interrupted', ladderId],
    );
    await h.tick();
    assert.equal(h.fake.setLinks.length, 1, 'repaired once');
  });

  it('retries a link whose set-up failed (note up_failed) at the next run, until it is up', async () => {
    const h = harness({ consecutive_failures_threshold: 5 }, noCarrier());
    await h.tick();
    const stamp = { at: formatUtcTimestamp(new Date(h.fake.clockMs)), bootId: FAKE_BOOT_ID, uptimeSeconds: undefined };
    const ladderId = recordNetworkEvent(h.db, stamp, {
      interface: 'eth0',
      kind: 'ladder_start',
      outcome: 'no_carrier',
    });
    recordNetworkEvent(h.db, stamp, {
      interface: 'eth0',
      kind: 'link_set_down',
      ladderId,
      outcome: 'up_failed',
      detail: 'eth0',
    });
    h.fake.advance(MINUTE);
    await h.tick();
    assert.deepEqual(h.fake.setLinks, [['eth0', true]]);
    assert.equal(h.events().find((event) => event.kind === 'link_set_down')?.outcome, 'up');
  });

  it('never sets a link down when the note that it is down cannot be kept', async () => {
    const h = harness({ consecutive_failures_threshold: 1, ladder: [{ type: 'bounce' }] }, noCarrier());
    // An audit log whose writes reach neither the database nor the journal.
    const outcome = await runNetworkTick(h.network, {
      audit: { ...directWriter(h.db), rowsSaved: false },
      system: h.fake,
      logger: h.logger,
      configPath: join(h.dir, 'config.json'),
    });
    assert.deepEqual(h.fake.setLinks, [], 'the link was never set down');
    const rung = h.events().find((event) => event.kind === 'rung');
    assert.match(rung?.detail ?? '', /eth0 not set down: the note that it is down cannot be kept/);
    assert.equal(outcome.ladder?.outcome, 'failed');
  });
});
