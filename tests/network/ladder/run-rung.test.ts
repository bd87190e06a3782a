import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RungConfig } from '../../../src/network/config/network-types.js';
import { runRung, type RungContext } from '../../../src/network/ladder/run-rung.js';
import type { ShellCommandResult } from '../../../src/system/run-shell-command.js';
import { fakeNetworkSystem } from '../../helpers/fake-network-system.js';

const bounce: RungConfig = { type: 'bounce', name: 'bounce', down_seconds: 2, settle_seconds: 15 };
const restart: RungConfig = {
  type: 'command',
  name: 'restart-networking',
  command: 'systemctl restart networking',
  timeout_seconds: 120,
  settle_seconds: 15,
};

const context = (overrides: Partial<RungContext> = {}): RungContext => ({
  interface: 'eth0',
  cwd: '/etc/watchdog',
  budgetMs: 600_000,
  reason: 'no_carrier: no carrier on eth0',
  ...overrides,
});

const failedDown = {
  ok: false,
  detail: 'ip link set dev eth0 down failed: RTNETLINK answers: Operation not permitted',
};
const failedUp = { ok: false, detail: 'ip link set dev eth0 up failed: RTNETLINK answers: Operation not permitted' };

describe('runRung: bounce', () => {
  it('sets the link down, waits down_seconds (virtual time), sets it up, and says so', async () => {
    const fake = fakeNetworkSystem();
    const startMs = fake.clockMs;
    const run = await runRung(bounce, context(), fake);
    assert.deepEqual(fake.callNames(), ['setLink eth0 down', 'sleep 2000', 'setLink eth0 up']);
    assert.deepEqual(
      fake.calls.map((call) => call.atMs - startMs),
      [0, 0, 2000],
      'the link goes up again only once the wait is over',
    );
    assert.equal(run.ok, true);
    assert.equal(run.detail, 'set eth0 down for 2s, then up');
    assert.equal(run.durationMs, 2000);
    assert.equal(fake.link.adminUp, true);
    assert.deepEqual(fake.shellCommands, []);
  });

  it('keeps the link down no longer than the ladder has left', async () => {
    const fake = fakeNetworkSystem();
    const run = await runRung({ ...bounce, down_seconds: 30 }, context({ budgetMs: 500 }), fake);
    assert.deepEqual(fake.sleeps, [500]);
    assert.deepEqual(fake.setLinks, [
      ['eth0', false],
      ['eth0', true],
    ]);
    assert.equal(run.ok, true);
  });

  it('sets the link up again when setting it down failed, without waiting, and fails the rung', async () => {
    const fake = fakeNetworkSystem({ setLinkResult: (_name, up) => (up ? undefined : failedDown) });
    const run = await runRung(bounce, context(), fake);
    assert.deepEqual(fake.callNames(), ['setLink eth0 down', 'setLink eth0 up']);
    assert.equal(run.ok, false);
    assert.equal(run.detail, `${failedDown.detail}; set up again`);
  });

  it('fails the rung with what `up` said when only setting it up failed', async () => {
    const fake = fakeNetworkSystem({ setLinkResult: (_name, up) => (up ? failedUp : undefined) });
    const run = await runRung(bounce, context(), fake);
    assert.deepEqual(fake.callNames(), ['setLink eth0 down', 'sleep 2000', 'setLink eth0 up']);
    assert.equal(run.ok, false);
    assert.equal(run.detail, failedUp.detail);
  });

  it('says both when down and up failed', async () => {
    const fake = fakeNetworkSystem({ setLinkResult: (_name, up) => (up ? failedUp : failedDown) });
    const run = await runRung(bounce, context(), fake);
    assert.equal(run.ok, false);
    assert.equal(run.detail, `${failedDown.detail}; ${failedUp.detail}`);
  });

  it('sets the link up again even when the wait throws, then lets the error through', async () => {
    const broken = new Error('the clock broke');
    const fake = fakeNetworkSystem({
      onSleep: () => {
        throw broken;
      },
    });
    await assert.rejects(runRung(bounce, context(), fake), (error: unknown) => error === broken);
    assert.deepEqual(fake.callNames(), ['setLink eth0 down', 'sleep 2000', 'setLink eth0 up']);
    assert.equal(fake.link.adminUp, true, 'the link is not left down');
  });

  it('bounces the interface of the context, not another', async () => {
    const fake = fakeNetworkSystem({ interfaceName: 'wwan0' });
    const run = await runRung(bounce, context({ interface: 'wwan0' }), fake);
    assert.deepEqual(fake.setLinks, [
      ['wwan0', false],
      ['wwan0', true],
    ]);
    assert.equal(run.detail, 'set wwan0 down for 2s, then up');
  });
});

describe('runRung: command', () => {
  it('runs the command in the config folder with the interface, its own name and the reason in its environment', async () => {
    const fake = fakeNetworkSystem({
      env: { PATH: '/usr/sbin:/usr/bin', LANG: 'C' },
      shellResult: () => ({ outputTail: 'restarted\n' }),
    });
    const run = await runRung(restart, context(), fake);
    assert.equal(fake.shellCommands.length, 1);
    const [command] = fake.shellCommands;
    assert.equal(command?.command, 'systemctl restart networking');
    assert.equal(command?.cwd, '/etc/watchdog');
    assert.deepEqual(command?.env, {
      PATH: '/usr/sbin:/usr/bin',
      LANG: 'C',
      WATCHDOG_INTERFACE: 'eth0',
      WATCHDOG_ACTION: 'restart-networking',
      WATCHDOG_REASON: 'no_carrier: no carrier on eth0',
    });
    assert.equal(command?.timeoutMs, 120_000);
    assert.ok((command?.killGraceMs ?? 0) > 0, 'a timed-out command gets a grace before SIGKILL');
    assert.deepEqual(fake.setLinks, [], 'a command rung does not touch the link itself');
    assert.deepEqual(run, {
      ok: true,
      detail: 'exited 0 after 50ms',
      durationMs: 50,
      exitCode: 0,
      outputTail: 'restarted\n',
    });
  });

  it('gives the command no more than what is left of the ladder, and names ladder_timeout_seconds when that bounds it', async () => {
    const fake = fakeNetworkSystem({
      shellResult: (options) => ({ timedOut: true, exitCode: null, signal: 'SIGTERM', durationMs: options.timeoutMs }),
    });
    const run = await runRung(restart, context({ budgetMs: 30_000 }), fake);
    assert.equal(fake.shellCommands[0]?.timeoutMs, 30_000);
    assert.equal(run.ok, false);
    assert.equal(run.detail, 'timed out after 30s (ladder_timeout_seconds); its process tree was killed');
  });

  it("names timeout_seconds when the rung's own timeout bounds it", async () => {
    const fake = fakeNetworkSystem({
      shellResult: (options) => ({ timedOut: true, exitCode: null, signal: 'SIGTERM', durationMs: options.timeoutMs }),
    });
    const run = await runRung({ ...restart, timeout_seconds: 20 }, context({ budgetMs: 30_000 }), fake);
    assert.equal(fake.shellCommands[0]?.timeoutMs, 20_000);
    assert.equal(run.detail, 'timed out after 20s (timeout_seconds); its process tree was killed');
  });

  const endings: [label: string, result: Partial<ShellCommandResult>, ok: boolean, detail: string][] = [
    ['exit 0', { exitCode: 0 }, true, 'exited 0 after 50ms'],
    ['exit 1', { exitCode: 1 }, false, 'exited 1 after 50ms'],
    [
      'exit 0 reported with a timeout',
      { exitCode: 0, timedOut: true },
      false,
      'timed out after 2m 00s (timeout_seconds); its process tree was killed',
    ],
    [
      'a timeout',
      { exitCode: null, signal: 'SIGKILL', timedOut: true, durationMs: 120_000 },
      false,
      'timed out after 2m 00s (timeout_seconds); its process tree was killed',
    ],
    [
      'a spawn error',
      { exitCode: null, pid: undefined, spawnError: 'spawn /bin/sh ENOENT' },
      false,
      'could not run: spawn /bin/sh ENOENT',
    ],
    ['a signal', { exitCode: null, signal: 'SIGSEGV', durationMs: 1500 }, false, 'killed by SIGSEGV after 1.5s'],
  ];
  for (const [label, result, ok, detail] of endings) {
    it(`is ${ok ? 'ok' : 'not ok'} after ${label}`, async () => {
      const fake = fakeNetworkSystem({ shellResult: () => result });
      const run = await runRung(restart, context(), fake);
      assert.equal(run.ok, ok);
      assert.equal(run.detail, detail);
      assert.equal(run.exitCode, result.exitCode);
    });
  }
});
