import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { RawNetworkConfig } from '../../src/network/config/network-types.js';
import { normalizeNetwork } from '../../src/network/config/normalize-network.js';
import { runNetworkTick, type NetworkTickOutcome } from '../../src/network/run-network-tick.js';
import type { WatchdogEvent } from '../../src/notify/watchdog-event.js';
import { directWriter } from '../../src/store/audit-writer.js';
import { readReboots } from '../../src/network/store/read-network-events.js';
import { openStore, type Store } from '../../src/store/open-store.js';
import { formatUtcTimestamp } from '../../src/time/format-utc-timestamp.js';
import { onCleanup } from '../helpers/cleanup.js';
import {
  fakeNetworkSystem,
  type FakeNetworkSystem,
  type FakeNetworkSystemOptions,
} from '../helpers/fake-network-system.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { recordingLogger } from '../helpers/recording-logger.js';

const MINUTE = 60_000;
const REBOOT_COMMAND = './reboot-stub.sh';

interface Harness {
  dir: string;
  db: Store;
  fake: FakeNetworkSystem;
  raised: WatchdogEvent[];
  tick(): Promise<NetworkTickOutcome>;
  /** The kinds raised since the last call. */
  newKinds(): string[];
}

/** A real database in a temp folder, a fake system (nothing touches the machine), and a recorder of the events raised. */
function harness(raw: Partial<RawNetworkConfig>, fakeOptions: FakeNetworkSystemOptions = {}): Harness {
  const dir = makeTempDir();
  const db = openStore(join(dir, 'state', 'watchdog.db'));
  onCleanup(() => db.close());
  const network = normalizeNetwork(
    { interface: 'eth0', interval_minutes: 0, ladder: [{ type: 'bounce' }], ...raw },
    dir,
  );
  const fake = fakeNetworkSystem(fakeOptions);
  const raised: WatchdogEvent[] = [];
  let seen = 0;
  return {
    dir,
    db,
    fake,
    raised,
    tick: () =>
      runNetworkTick(network, {
        audit: directWriter(db),
        system: fake,
        logger: recordingLogger(),
        configPath: join(dir, 'config.json'),
        raise: (event) => raised.push(event),
      }),
    newKinds() {
      const kinds = raised.slice(seen).map((event) => event.kind);
      seen = raised.length;
      return kinds;
    },
  };
}

const noCarrier = (options: FakeNetworkSystemOptions = {}): FakeNetworkSystemOptions => ({
  ...options,
  link: { carrier: false, ...options.link },
});

describe('runNetworkTick: events raised', () => {
  it('raises network_degraded once, when the failures reach the threshold, and network_healed when the link is back by itself', async () => {
    const h = harness({ consecutive_failures_threshold: 3 }, noCarrier());
    await h.tick();
    assert.deepEqual(h.newKinds(), [], 'the first failure, below the threshold');
    h.fake.advance(MINUTE);
    await h.tick();
    assert.deepEqual(h.newKinds(), [], 'the second failure, below the threshold');
    h.fake.advance(MINUTE);
    const checkedAtMs = h.fake.clockMs;
    await h.tick();
    assert.deepEqual(h.newKinds(), ['network_degraded'], 'the threshold is reached');
    const degraded = h.raised.at(-1);
    assert.deepEqual(degraded, {
      kind: 'network_degraded',
      at: formatUtcTimestamp(new Date(checkedAtMs)),
      interface: 'eth0',
      summary: 'network eth0 no_carrier: no carrier on eth0 (cable, switch port or the far end is down)',
      details: {
        state: 'no_carrier',
        reason: 'no carrier on eth0 (cable, switch port or the far end is down)',
        consecutive_failures: 3,
        ladder: 'bounce',
      },
    });
    for (let tick = 0; tick < 2; tick += 1) {
      h.fake.advance(MINUTE);
      await h.tick();
      assert.deepEqual(h.newKinds(), [], 'not again while the outage goes on');
    }
    h.fake.advance(MINUTE);
    h.fake.link.carrier = true;
    await h.tick();
    assert.deepEqual(h.newKinds(), ['network_healed']);
    const healed = h.raised.at(-1);
    assert.deepEqual(
      [healed?.interface, healed?.summary, healed?.details],
      [
        'eth0',
        'network eth0 up again by itself: eth0 up, 192.0.2.10',
        { rung: null, reason: 'eth0 up, 192.0.2.10', failed_checks: 5 },
      ],
    );
    assert.equal(healed?.at, formatUtcTimestamp(h.fake.now()));
    h.fake.advance(MINUTE);
    await h.tick();
    assert.deepEqual(h.newKinds(), [], 'a healthy link after that is no news');
  });

  it('raises nothing for a blip below the threshold', async () => {
    const h = harness({ consecutive_failures_threshold: 3 }, noCarrier());
    await h.tick();
    h.fake.advance(MINUTE);
    await h.tick();
    h.fake.advance(MINUTE);
    h.fake.link.carrier = true;
    await h.tick();
    assert.deepEqual(h.raised, []);
  });

  it('raises network_healed naming the rung that healed the link, once', async () => {
    const h = harness(
      {
        consecutive_failures_threshold: 1,
        ladder: [
          { type: 'bounce' },
          { type: 'command', name: 'restart-networking', command: 'systemctl restart networking' },
        ],
      },
      noCarrier({
        shellResult: (_options, fake) => {
          fake.link.carrier = true;
          return undefined;
        },
      }),
    );
    const outcome = await h.tick();
    assert.equal(outcome.ladder?.healedBy, 'restart-networking');
    assert.deepEqual(h.newKinds(), ['network_degraded', 'network_healed']);
    const healed = h.raised.at(-1);
    assert.deepEqual(
      [healed?.summary, healed?.details],
      [
        'network eth0 healed by rung restart-networking',
        { rung: 'restart-networking', reason: 'eth0 up, 192.0.2.10', failed_checks: 1 },
      ],
    );
    h.fake.advance(MINUTE);
    await h.tick();
    assert.deepEqual(h.newKinds(), [], 'the next healthy check is no news');
  });

  it('raises reboot_done before the reboot command runs, and no reboot_failed when it works', async () => {
    let raisedWhenCommandRan: string[] = [];
    const h = harness(
      { consecutive_failures_threshold: 1, max_failures: 1, reboot: { command: REBOOT_COMMAND } },
      noCarrier({
        shellResult: (options) => {
          if (options.command === REBOOT_COMMAND) raisedWhenCommandRan = h.raised.map((event) => event.kind);
          return undefined;
        },
      }),
    );
    const outcome = await h.tick();
    assert.equal(outcome.reboot?.commandOk, true);
    assert.deepEqual(raisedWhenCommandRan, ['network_degraded', 'reboot_done']);
    assert.deepEqual(h.newKinds(), ['network_degraded', 'reboot_done']);
    const done = h.raised.at(-1);
    assert.deepEqual(done?.details, {
      reason: outcome.reboot?.reason,
      failed_ladder_runs: 1,
      event_id: outcome.reboot?.eventId,
    });
    assert.equal(done?.summary, `network eth0: rebooting the device: ${outcome.reboot?.reason}`);
  });

  it('raises reboot_failed when the reboot command fails', async () => {
    const h = harness(
      { consecutive_failures_threshold: 1, max_failures: 1, reboot: { command: REBOOT_COMMAND } },
      noCarrier({
        shellResult: (options) =>
          options.command === REBOOT_COMMAND
            ? { exitCode: 1, outputTail: 'Failed to reboot: Access denied\n' }
            : undefined,
      }),
    );
    const outcome = await h.tick();
    assert.deepEqual(h.newKinds(), ['network_degraded', 'reboot_done', 'reboot_failed']);
    const failed = h.raised.at(-1);
    const [reboot] = readReboots(h.db);
    assert.equal(reboot?.outcome, 'command_failed');
    assert.deepEqual(
      [failed?.summary, failed?.details],
      [
        'network eth0: the reboot command failed: exited 1 after 50ms',
        { reason: outcome.reboot?.reason, command: 'exited 1 after 50ms', event_id: outcome.reboot?.eventId },
      ],
    );
  });

  it('raises reboot_suppressed for a guard that holds a reboot that was due (cooldown), not for max_failures', async () => {
    const h = harness(
      {
        consecutive_failures_threshold: 1,
        max_failures: 2,
        reboot: { command: REBOOT_COMMAND, cooldown_seconds: 3600 },
      },
      noCarrier(),
    );
    const first = await h.tick();
    assert.deepEqual(first.rebootDecision, {
      kind: 'hold',
      guard: 'max_failures',
      reason: '1 of 2 consecutive failed ladder runs',
    });
    assert.deepEqual(h.newKinds(), ['network_degraded'], 'a reboot not yet due is no news');
    h.fake.advance(MINUTE);
    await h.tick();
    assert.deepEqual(h.newKinds(), ['reboot_done']);
    h.fake.advance(MINUTE);
    const third = await h.tick();
    assert.equal(third.rebootDecision?.kind === 'hold' ? third.rebootDecision.guard : undefined, 'cooldown');
    assert.deepEqual(h.newKinds(), ['reboot_suppressed']);
    const suppressed = h.raised.at(-1);
    const reason = third.rebootDecision?.kind === 'hold' ? third.rebootDecision.reason : '';
    assert.deepEqual(
      [suppressed?.summary, suppressed?.details],
      [`network eth0: reboot held by cooldown: ${reason}`, { guard: 'cooldown', reason, failed_ladder_runs: 3 }],
    );
  });

  it('raises reboot_suppressed for the maintenance flag', async () => {
    const h = harness(
      {
        consecutive_failures_threshold: 1,
        max_failures: 1,
        reboot: { command: REBOOT_COMMAND, maintenance_flag: 'maintenance' },
      },
      noCarrier(),
    );
    h.fake.files.add(join(h.dir, 'maintenance'));
    await h.tick();
    assert.deepEqual(h.newKinds(), ['network_degraded', 'reboot_suppressed']);
    assert.equal(h.raised.at(-1)?.details.guard, 'maintenance_flag');
    assert.deepEqual(h.fake.shellCommands, [], 'no reboot command ran');
  });

  it('raises no reboot_suppressed when no reboot is configured', async () => {
    const h = harness({ consecutive_failures_threshold: 1 }, noCarrier());
    const outcome = await h.tick();
    assert.equal(
      outcome.rebootDecision?.kind === 'hold' ? outcome.rebootDecision.guard : undefined,
      'no_reboot_command',
    );
    assert.deepEqual(h.newKinds(), ['network_degraded']);
  });

  it('runs as before without a raise function', async () => {
    const dir = makeTempDir();
    const db = openStore(join(dir, 'watchdog.db'));
    onCleanup(() => db.close());
    const fake = fakeNetworkSystem(noCarrier());
    const outcome = await runNetworkTick(
      normalizeNetwork({ interface: 'eth0', consecutive_failures_threshold: 1, ladder: [{ type: 'bounce' }] }, dir),
      {
        audit: directWriter(db),
        system: fake,
        logger: recordingLogger(),
        configPath: join(dir, 'config.json'),
      },
    );
    assert.equal(outcome.ladder?.outcome, 'failed');
  });
});
