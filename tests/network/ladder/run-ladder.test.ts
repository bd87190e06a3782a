import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NetworkConfig, RawNetworkConfig, RungConfig } from '../../../src/network/config/network-types.js';
import { normalizeNetwork } from '../../../src/network/config/normalize-network.js';
import { checkLink } from '../../../src/network/link/check-link.js';
import { runLadder, type LadderContext, type RungReport } from '../../../src/network/ladder/run-ladder.js';
import {
  FAKE_MAC,
  fakeNetworkSystem,
  type FakeNetworkSystem,
  type FakeNetworkSystemOptions,
} from '../../helpers/fake-network-system.js';

/** bounce (2 s down, 15 s settle) → restart-networking (15 s settle) → respawn-nm (20 s settle). */
function networkConfig(overrides: Partial<RawNetworkConfig> = {}): NetworkConfig {
  return normalizeNetwork(
    {
      interface: 'eth0',
      ladder: [
        { type: 'bounce' },
        { type: 'command', name: 'restart-networking', command: 'systemctl restart networking' },
        {
          type: 'command',
          name: 'respawn-nm',
          command: 'systemctl restart NetworkManager',
          settle_seconds: 20,
          timeout_seconds: 60,
        },
      ],
      ...overrides,
    },
    '/etc/watchdog',
  );
}

/** A fake whose carrier is gone (until a script brings it back). */
function brokenLink(options: FakeNetworkSystemOptions = {}): FakeNetworkSystem {
  return fakeNetworkSystem({ ...options, link: { carrier: false, ...options.link } });
}

function ladderContext(network: NetworkConfig, fake: FakeNetworkSystem, events: string[] = []): LadderContext {
  return {
    device: fake.interfaceName,
    cwd: '/etc/watchdog',
    reason: 'no_carrier: no carrier on eth0',
    recheck: () => {
      events.push('recheck');
      return checkLink(network, true, fake);
    },
    onRungStart: (rung: RungConfig) => events.push(`start ${rung.name}`),
    onRungEnd: (report: RungReport) => events.push(`end ${report.rung} ${report.healed ? 'healed' : 'not healed'}`),
  };
}

/** The rung (WATCHDOG_ACTION) of each command run. */
const actionsRun = (fake: FakeNetworkSystem): (string | undefined)[] =>
  fake.shellCommands.map((command) => command.env.WATCHDOG_ACTION);

describe('runLadder: an uplink named by MAC', () => {
  it('bounces the interface that has the MAC now, by its new name, and never the configured one', async () => {
    const fake = brokenLink({
      interfaceName: 'end0',
      onSetLink: (_name, up, self) => void (up && (self.link.carrier = true)),
    });
    const network = networkConfig({ interface_mac: FAKE_MAC });
    const first = await checkLink(network, true, fake);
    const run = await runLadder(network, { ...ladderContext(network, fake), device: first.device }, fake);
    assert.equal(run.outcome, 'healed');
    assert.deepEqual(fake.setLinks, [
      ['end0', false],
      ['end0', true],
    ]);
  });

  it('no interface has the MAC: the bounce sets nothing down, and commands get an empty WATCHDOG_INTERFACE', async () => {
    const fake = brokenLink({ link: { exists: false } });
    const network = networkConfig({ interface_mac: FAKE_MAC });
    const run = await runLadder(network, { ...ladderContext(network, fake), device: undefined }, fake);
    assert.equal(run.outcome, 'failed');
    assert.deepEqual(fake.setLinks, []);
    assert.equal(run.rungs[0]?.detail, 'no interface has the MAC in network.interface_mac: nothing to bounce');
    assert.deepEqual(
      fake.shellCommands.map((command) => command.env.WATCHDOG_INTERFACE),
      ['', ''],
    );
  });
});

describe('runLadder', () => {
  it('stops at the first rung after which the link is up and names it; later rungs never run', async () => {
    const fake = brokenLink({
      shellResult: (options, self) => {
        // After the second rung, the carrier comes back.
        if (options.env.WATCHDOG_ACTION === 'restart-networking') self.link.carrier = true;
        return undefined;
      },
    });
    const network = networkConfig();
    const run = await runLadder(network, ladderContext(network, fake), fake);
    assert.equal(run.outcome, 'healed');
    assert.equal(run.healedBy, 'restart-networking');
    assert.deepEqual(
      run.rungs.map((rung) => [rung.rung, rung.type, rung.ok, rung.verdict.state, rung.healed]),
      [
        ['bounce', 'bounce', true, 'no_carrier', false],
        ['restart-networking', 'command', true, 'up', true],
      ],
    );
    assert.equal(run.verdict?.state, 'up');
    assert.deepEqual(actionsRun(fake), ['restart-networking'], 'respawn-nm never ran');
  });

  it('stops after the bounce when the bounce brings the carrier back: no command runs', async () => {
    const fake = brokenLink({
      onSetLink: (_name, up, self) => {
        if (up) self.link.carrier = true;
      },
    });
    const network = networkConfig();
    const run = await runLadder(network, ladderContext(network, fake), fake);
    assert.equal(run.outcome, 'healed');
    assert.equal(run.healedBy, 'bounce');
    assert.equal(run.rungs.length, 1);
    assert.deepEqual(fake.shellCommands, []);
  });

  it('checks the link again after each rung, only once settle_seconds have passed (virtual time)', async () => {
    const fake = brokenLink();
    const startMs = fake.clockMs;
    const network = networkConfig();
    await runLadder(network, ladderContext(network, fake), fake);
    const at = (call: string): number[] =>
      fake.calls.filter((entry) => entry.call === call).map((entry) => entry.atMs - startMs);
    // bounce: 2 s down, then 15 s; each command takes 50 ms, then 15 s and 20 s.
    assert.deepEqual(at('readLink eth0'), [2000 + 15_000, 17_000 + 50 + 15_000, 32_050 + 50 + 20_000]);
    assert.deepEqual(fake.sleeps, [2000, 15_000, 15_000, 20_000]);
    assert.deepEqual(fake.callNames(), [
      'setLink eth0 down',
      'sleep 2000',
      'setLink eth0 up',
      'sleep 15000',
      'readLink eth0',
      'shell systemctl restart networking',
      'sleep 15000',
      'readLink eth0',
      'shell systemctl restart NetworkManager',
      'sleep 20000',
      'readLink eth0',
    ]);
  });

  it('fails when no rung heals the link, after running every rung once', async () => {
    const fake = brokenLink();
    const network = networkConfig();
    const run = await runLadder(network, ladderContext(network, fake), fake);
    assert.equal(run.outcome, 'failed');
    assert.equal(run.healedBy, undefined);
    assert.deepEqual(
      run.rungs.map((rung) => [rung.rung, rung.healed]),
      [
        ['bounce', false],
        ['restart-networking', false],
        ['respawn-nm', false],
      ],
    );
    assert.equal(run.verdict?.state, 'no_carrier');
    assert.deepEqual(actionsRun(fake), ['restart-networking', 'respawn-nm']);
  });

  it('counts a rung that failed to run as not healing, and goes on to the next', async () => {
    const fake = brokenLink({
      shellResult: (options, self) => {
        if (options.env.WATCHDOG_ACTION === 'restart-networking') return { exitCode: 1 };
        self.link.carrier = true;
        return undefined;
      },
    });
    const network = networkConfig();
    const run = await runLadder(network, ladderContext(network, fake), fake);
    assert.deepEqual(
      run.rungs.map((rung) => [rung.rung, rung.ok, rung.healed]),
      [
        ['bounce', true, false],
        ['restart-networking', false, false],
        ['respawn-nm', true, true],
      ],
    );
    assert.equal(run.healedBy, 'respawn-nm');
  });

  it('times out when ladder_timeout_seconds runs out: the rung running gets only what is left, the rest never run', async () => {
    // 30 s in all: the bounce and its settle take 17 s, leaving 13 s for restart-networking, which hangs.
    const fake = brokenLink({
      shellResult: (options) => ({ timedOut: true, exitCode: null, signal: 'SIGKILL', durationMs: options.timeoutMs }),
    });
    const network = networkConfig({ ladder_timeout_seconds: 30 });
    const startMs = fake.clockMs;
    const events: string[] = [];
    const run = await runLadder(network, ladderContext(network, fake, events), fake);
    assert.equal(run.outcome, 'timed_out');
    assert.equal(run.healedBy, undefined);
    assert.deepEqual(
      run.rungs.map((rung) => rung.rung),
      ['bounce', 'restart-networking'],
    );
    assert.equal(fake.shellCommands[0]?.timeoutMs, 13_000);
    assert.match(run.rungs[1]?.detail ?? '', /timed out after 13s \(ladder_timeout_seconds\)/);
    assert.deepEqual(actionsRun(fake), ['restart-networking'], 'respawn-nm never ran');
    assert.ok(!events.includes('start respawn-nm'), 'respawn-nm was never started');
    assert.equal(fake.clockMs - startMs, 30_000, 'nothing waits past the ladder timeout');
    assert.deepEqual(fake.sleeps, [2000, 15_000, 0]);
  });

  it('cuts the settle wait short at the ladder timeout, and still checks the link', async () => {
    const fake = brokenLink();
    const network = networkConfig({
      ladder_timeout_seconds: 10,
      ladder: [{ type: 'bounce', down_seconds: 2, settle_seconds: 60 }],
    });
    const run = await runLadder(network, ladderContext(network, fake), fake);
    assert.deepEqual(fake.sleeps, [2000, 8000]);
    assert.equal(run.rungs.length, 1);
    assert.equal(run.outcome, 'failed', 'every rung ran');
  });

  it('tells onRungStart before a rung does anything and onRungEnd once it is judged, in ladder order', async () => {
    const events: string[] = [];
    const fake = brokenLink({
      onSetLink: (_name, up) => events.push(`setLink ${up ? 'up' : 'down'}`),
      shellResult: (options, self) => {
        events.push(`shell ${options.env.WATCHDOG_ACTION ?? '?'}`);
        if (options.env.WATCHDOG_ACTION === 'restart-networking') self.link.carrier = true;
        return undefined;
      },
    });
    const network = networkConfig();
    await runLadder(network, ladderContext(network, fake, events), fake);
    assert.deepEqual(events, [
      'start bounce',
      'setLink down',
      'setLink up',
      'recheck',
      'end bounce not healed',
      'start restart-networking',
      'shell restart-networking',
      'recheck',
      'end restart-networking healed',
    ]);
  });

  it('fails at once with no rungs', async () => {
    const fake = brokenLink();
    const network = networkConfig({ ladder: [] });
    const run = await runLadder(network, ladderContext(network, fake), fake);
    assert.deepEqual(run, { outcome: 'failed', healedBy: undefined, rungs: [], verdict: undefined });
    assert.deepEqual(fake.calls, []);
  });
});
