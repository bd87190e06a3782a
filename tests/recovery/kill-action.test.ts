import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { AFTER_SIGKILL_WAIT_MS, runKillAction } from '../../src/recovery/kill-action.js';
import type { KillCandidate } from '../../src/recovery/decide-kill.js';
import type { ActionPlan } from '../../src/recovery/plan-recovery.js';
import { realSystem } from '../../src/system/system.js';
import { formatUtcTimestamp } from '../../src/time/format-utc-timestamp.js';
import {
  exitOn,
  FAKE_BOOT_ID,
  FAKE_NOW_MS,
  fakeSystem,
  systemError,
  type FakeProcess,
  type FakeSystem,
  type FakeSystemOptions,
} from '../helpers/fake-system.js';
import { isGone, killGroupOnCleanup } from '../helpers/owned-processes.js';

const APP = 4000;
const KILL_TIMEOUT_SECONDS = 2;

type KillPlan = Extract<ActionPlan, { kind: 'kill' }>;

const killPlan = (candidate: KillCandidate = { pid: APP }, timeoutSeconds = KILL_TIMEOUT_SECONDS): KillPlan => ({
  kind: 'kill',
  action: 'kill',
  candidate,
  timeoutSeconds,
});

/** The app leading its own group, unless told otherwise. */
const app = (overrides: Partial<FakeProcess> = {}): FakeProcess => ({ pid: APP, startTime: 777, ...overrides });

/** A fake System that also notes when (on its clock) each signal was sent. */
function systemWith(options: FakeSystemOptions): FakeSystem & { signalledAt: number[] } {
  const signalledAt: number[] = [];
  const fake = fakeSystem({
    ...options,
    onSignal: (target, signal, self) => {
      signalledAt.push(self.clockMs);
      options.onSignal?.(target, signal, self);
    },
  });
  return Object.assign(fake, { signalledAt });
}

/** An `onSignal` after which the processes reached exit at the next poll, as a real app acts on SIGTERM a moment later. */
function exitSoonOn(signal: NodeJS.Signals): Pick<FakeSystemOptions, 'onSignal' | 'onSleep'> {
  let leaving: number[] = [];
  return {
    onSignal: (target, sent, fake) => {
      if (sent === signal) leaving = target < 0 ? fake.processes.groupMembers(-target) : [target];
    },
    onSleep: (fake) => {
      fake.exit(...leaving);
      leaving = [];
    },
  };
}

describe('runKillAction', () => {
  it('signals nothing when the candidate has no PID', async () => {
    const unknown = systemWith({ processes: [app()] });
    const none = await runKillAction(
      killPlan({ pid: undefined, refused: false, why: 'no PID known (no heartbeat file)' }),
      unknown,
    );
    assert.deepEqual(
      [none.outcome, none.detail, none.pid, none.signal],
      ['nothing_to_kill', 'no PID known (no heartbeat file)', undefined, null],
    );
    assert.deepEqual(unknown.signals, []);

    const untrusted = systemWith({ processes: [app()] });
    const refused = await runKillAction(
      killPlan({ pid: undefined, refused: true, why: 'the heartbeat is not trusted (bad timestamp)' }),
      untrusted,
    );
    assert.deepEqual([refused.outcome, refused.detail], ['refused', 'the heartbeat is not trusted (bad timestamp)']);
    assert.deepEqual(untrusted.signals, []);
  });

  it('never signals a refused PID: -1, 0, 1, itself, an ancestor, a thread', async () => {
    const expected = new Map([
      [60, 'failed'],
      [50, 'failed'],
    ]);
    for (const pid of [-1, 0, 1, 100, 60, 50, APP]) {
      // Every one of them looks like a live process leading its group.
      const fake = systemWith({
        processes: [{ pid }, { pid: 100, pgrp: 90 }, { pid: 60 }, { pid: 50 }, { pid: APP, thread: true }],
        ownPid: 100,
        ownProcessGroup: 90,
        ancestors: [60, 50],
        onSignal: exitOn('SIGTERM', 'SIGKILL'),
      });
      const result = await runKillAction(killPlan({ pid }), fake);
      // An ancestor is likely the live app itself (running `watchdog restart` on itself): the kill
      // fails, so the pipeline stops rather than start a second copy beside it.
      assert.equal(result.outcome, expected.get(pid) ?? 'refused', `PID ${pid}`);
      assert.deepEqual(fake.signals, [], `PID ${pid}`);
    }
  });

  it('refuses a hostile PID before reading anything of it', async () => {
    for (const pid of [-1, 0, 1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const fake = systemWith({ processes: [app()] });
      const result = await runKillAction(killPlan({ pid }), fake);
      assert.equal(result.outcome, 'refused', `PID ${pid}`);
      assert.deepEqual(fake.signals, [], `PID ${pid}`);
      assert.ok(!fake.inspected.includes(pid), `PID ${pid} was looked up in the process table`);
    }
  });

  it('refuses a live PID that started after the heartbeat naming it was written (the app died, its PID was reused)', async () => {
    // The fake machine booted a day before FAKE_NOW_MS; 8_640_000 ticks at USER_HZ 100 is a day: started just now.
    const fake = systemWith({ processes: [app({ startTime: 8_640_000 })] });
    const result = await runKillAction(killPlan({ pid: APP, heartbeatMs: FAKE_NOW_MS - 60_000 }), fake);
    assert.equal(result.outcome, 'refused');
    assert.match(
      result.detail,
      /^PID 4000 started .*, after its heartbeat was written: another program reusing the app's PID$/,
    );
    assert.deepEqual(fake.signals, []);

    // The same PID dated before its heartbeat is the app, and is signalled.
    const older = systemWith({ processes: [app()], ...exitSoonOn('SIGTERM') });
    const signalled = await runKillAction(killPlan({ pid: APP, heartbeatMs: FAKE_NOW_MS - 60_000 }), older);
    assert.equal(signalled.outcome, 'ok');
    assert.deepEqual(older.signals[0], [-APP, 'SIGTERM']);
  });

  it('signals a hung app proven by its start time and boot, however far the clock stepped forward since its heartbeat', async () => {
    // After a step of hours forward, btime moves with the wall clock: the app seems to have started after its last heartbeat.
    const stepped = systemWith({ processes: [app({ startTime: 8_640_000 })], ...exitSoonOn('SIGTERM') });
    const identity = { startTicks: 8_640_000, bootId: FAKE_BOOT_ID };
    const result = await runKillAction(
      killPlan({ pid: APP, heartbeatMs: FAKE_NOW_MS - 6 * 3_600_000, identity }),
      stepped,
    );
    assert.equal(result.outcome, 'ok', result.detail);
    assert.deepEqual(stepped.signals[0], [-APP, 'SIGTERM']);

    // Without the boot id the start time proves nothing across boots: the wall-clock guard still judges.
    const unproven = systemWith({ processes: [app({ startTime: 8_640_000 })] });
    const refused = await runKillAction(
      killPlan({ pid: APP, heartbeatMs: FAKE_NOW_MS - 6 * 3_600_000, identity: { startTicks: 8_640_000 } }),
      unproven,
    );
    assert.equal(refused.outcome, 'refused');
    assert.deepEqual(unproven.signals, []);
  });

  it('has nothing to kill when the PID is dead or a zombie', async () => {
    for (const processes of [[], [app({ state: 'Z' })]]) {
      const fake = systemWith({ processes });
      const result = await runKillAction(killPlan(), fake);
      assert.equal(result.outcome, 'nothing_to_kill');
      assert.deepEqual(fake.signals, []);
    }
  });

  it('sends SIGTERM and SIGCONT to the group an app leads, and is done when it exits', async () => {
    const fake = systemWith({ processes: [app()], ...exitSoonOn('SIGTERM') });
    const result = await runKillAction(killPlan(), fake);
    assert.deepEqual(fake.signals, [
      [-APP, 'SIGTERM'],
      [-APP, 'SIGCONT'],
    ]);
    assert.deepEqual([result.outcome, result.signal, result.pid, result.action], ['ok', 'SIGTERM', APP, 'kill']);
    assert.match(result.detail, /^process group 4000: exited .* after SIGTERM$/);
    assert.equal(result.startedAt, formatUtcTimestamp(new Date(FAKE_NOW_MS)));
    assert.equal(result.durationMs, fake.clockMs - FAKE_NOW_MS);
  });

  it('signals the PID alone when the app does not lead its group', async () => {
    const fake = systemWith({ processes: [app({ pgrp: 3000 }), { pid: 3000 }], ...exitSoonOn('SIGTERM') });
    const result = await runKillAction(killPlan(), fake);
    assert.deepEqual(fake.signals, [
      [APP, 'SIGTERM'],
      [APP, 'SIGCONT'],
    ]);
    assert.equal(result.outcome, 'ok');
    assert.match(result.detail, /^PID 4000: exited/);
    assert.ok(fake.table.has(3000), 'the group leader is left alone');
  });

  it('sends no SIGCONT to an app that exited at once', async () => {
    const fake = systemWith({ processes: [app()], onSignal: exitOn('SIGTERM') });
    const result = await runKillAction(killPlan(), fake);
    assert.deepEqual(fake.signals, [[-APP, 'SIGTERM']]);
    assert.deepEqual([result.outcome, result.signal], ['ok', 'SIGTERM']);
  });

  it('sends SIGKILL after kill_timeout to an app that ignores SIGTERM', async () => {
    const fake = systemWith({ processes: [app()], onSignal: exitOn('SIGKILL') });
    const result = await runKillAction(killPlan(), fake);
    assert.deepEqual(
      fake.signals.map(([, signal]) => signal),
      ['SIGTERM', 'SIGCONT', 'SIGKILL'],
    );
    assert.ok(fake.signals.every(([target]) => target === -APP));
    const [termAt = NaN, , killAt = NaN] = fake.signalledAt;
    assert.ok(killAt - termAt >= KILL_TIMEOUT_SECONDS * 1000, `SIGKILL ${killAt - termAt} ms after SIGTERM`);
    assert.deepEqual([result.outcome, result.signal], ['ok', 'SIGKILL']);
    assert.equal(
      result.detail,
      'process group 4000: still running 2s after SIGTERM (kill_timeout); killed with SIGKILL',
    );
  });

  it('keeps kill_timeout whole when the wall clock steps hours forward or back during it', async () => {
    for (const stepMs of [6 * 3_600_000, -6 * 3_600_000]) {
      const fake = systemWith({
        processes: [app()],
        onSignal: (target, signal, self) => {
          // NTP arrives just after SIGTERM: only the wall clock moves.
          if (signal === 'SIGTERM') self.now = () => new Date(self.clockMs + stepMs);
          exitOn('SIGKILL')(target, signal, self);
        },
      });
      const result = await runKillAction(killPlan(), fake);
      const [termAt = NaN, , killAt = NaN] = fake.signalledAt;
      assert.ok(
        killAt - termAt >= KILL_TIMEOUT_SECONDS * 1000,
        `step ${stepMs}: SIGKILL ${killAt - termAt} ms after SIGTERM`,
      );
      assert.ok(
        killAt - termAt < KILL_TIMEOUT_SECONDS * 1000 + 1000,
        `step ${stepMs}: SIGKILL ${killAt - termAt} ms after SIGTERM`,
      );
      assert.equal(
        result.detail,
        'process group 4000: still running 2s after SIGTERM (kill_timeout); killed with SIGKILL',
      );
      assert.ok(result.durationMs < 10_000, `step ${stepMs}: duration ${result.durationMs} ms`);
    }
  });

  it('asked to stop while waiting out kill_timeout: SIGKILL at once, not after kill_timeout', async () => {
    const controller = new AbortController();
    const fake = systemWith({
      processes: [app()],
      onSignal: (target, signal, self) => {
        // The stop request lands right after SIGTERM; the app ignores SIGTERM.
        if (signal === 'SIGCONT') controller.abort('SIGTERM');
        exitOn('SIGKILL')(target, signal, self);
      },
    });
    fake.signal = controller.signal;
    const result = await runKillAction(killPlan(), fake);
    assert.deepEqual(
      fake.signals.map(([, signal]) => signal),
      ['SIGTERM', 'SIGCONT', 'SIGKILL'],
    );
    const [termAt = NaN, , killAt = NaN] = fake.signalledAt;
    assert.ok(killAt - termAt < KILL_TIMEOUT_SECONDS * 1000, `SIGKILL ${killAt - termAt} ms after SIGTERM`);
    assert.deepEqual([result.outcome, result.signal], ['ok', 'SIGKILL']);
    assert.equal(
      result.detail,
      'process group 4000: still running when the watchdog was asked to stop (SIGTERM); killed with SIGKILL',
    );
  });

  it('fails when the app is still there after SIGKILL', async () => {
    const fake = systemWith({ processes: [app()] });
    const result = await runKillAction(killPlan(), fake);
    assert.deepEqual(
      fake.signals.map(([, signal]) => signal),
      ['SIGTERM', 'SIGCONT', 'SIGKILL'],
    );
    assert.deepEqual([result.outcome, result.signal], ['failed', 'SIGKILL']);
    assert.equal(result.detail, 'process group 4000: still running 5s after SIGKILL (stuck in the kernel?)');
    assert.ok(result.durationMs >= KILL_TIMEOUT_SECONDS * 1000 + AFTER_SIGKILL_WAIT_MS);
  });

  it('fails when it may not signal the app (EPERM)', async () => {
    const atTerm = systemWith({
      processes: [app()],
      onSignal: () => {
        throw systemError('EPERM');
      },
    });
    const term = await runKillAction(killPlan(), atTerm);
    assert.deepEqual([term.outcome, term.signal], ['failed', 'SIGTERM']);
    assert.match(term.detail, /^process group 4000: cannot send SIGTERM: EPERM/);
    assert.equal(atTerm.signals.length, 1, 'nothing more is tried');

    const atKill = systemWith({
      processes: [app()],
      onSignal: (_target, signal) => {
        if (signal === 'SIGKILL') throw systemError('EPERM');
      },
    });
    const kill = await runKillAction(killPlan(), atKill);
    assert.deepEqual([kill.outcome, kill.signal], ['failed', 'SIGKILL']);
    assert.match(kill.detail, /cannot send SIGKILL: EPERM/);
  });

  it('takes ESRCH as the app gone', async () => {
    const fake = systemWith({
      processes: [app()],
      onSignal: (_target, _signal, self) => {
        self.exit(APP);
        throw systemError('ESRCH');
      },
    });
    const result = await runKillAction(killPlan(), fake);
    assert.deepEqual(
      [result.outcome, result.signal, result.detail],
      ['ok', 'SIGTERM', 'process group 4000: exited before it was signalled'],
    );
  });

  it('counts a PID reused during the wait as gone, and never SIGKILLs the stranger', async () => {
    for (const stranger of [{ pgrp: 3000 }, { pgrp: APP }]) {
      for (const leads of [true, false]) {
        const fake = systemWith({
          processes: [app(leads ? {} : { pgrp: 3000 })],
          onSleep: (self) => {
            // The app exited and its PID now names another program, started later.
            self.table.set(APP, { pid: APP, startTime: 9999, ...stranger });
          },
        });
        const result = await runKillAction(killPlan(), fake);
        assert.deepEqual(
          fake.signals.map(([, signal]) => signal),
          ['SIGTERM', 'SIGCONT'],
          `leads ${leads}, stranger ${JSON.stringify(stranger)}`,
        );
        assert.deepEqual([result.outcome, result.signal], ['ok', 'SIGTERM']);
      }
    }
  });

  it('does not report a SIGKILL it never sent when the app exits just as kill_timeout ends', async () => {
    const fake = systemWith({ processes: [app()] });
    const deadline = FAKE_NOW_MS + KILL_TIMEOUT_SECONDS * 1000;
    const stat = fake.processes.stat;
    let readsAtDeadline = 0;
    fake.processes.stat = (pid) => {
      // The wait's last look still finds the app; it exits, and its PID is reused, right after.
      if (fake.clockMs >= deadline && pid === APP && readsAtDeadline++ >= 1)
        return { pid, state: 'S', ppid: 1, pgrp: 3000, session: 3000, startTime: 9999 };
      return stat(pid);
    };
    const result = await runKillAction(killPlan(), fake);
    assert.deepEqual(
      fake.signals.map(([, signal]) => signal),
      ['SIGTERM', 'SIGCONT'],
    );
    assert.equal(result.outcome, 'ok');
    assert.notEqual(result.signal, 'SIGKILL', 'no SIGKILL was sent');
    assert.doesNotMatch(result.detail, /killed with SIGKILL/);
  });

  it('sends SIGKILL to the group when the leader has gone but members are left', async () => {
    const member = { pid: APP + 1, pgrp: APP };
    let termSeen = false;
    const fake = systemWith({
      processes: [app(), member],
      onSignal: (target, signal, self) => {
        if (signal === 'SIGTERM') termSeen = true;
        if (signal === 'SIGKILL') self.exit(...self.processes.groupMembers(-target));
      },
      onSleep: (self) => {
        // The leader acts on SIGTERM; its child ignores it.
        if (termSeen) self.exit(APP);
      },
    });
    const result = await runKillAction(killPlan(), fake);
    assert.deepEqual(fake.signals, [
      [-APP, 'SIGTERM'],
      [-APP, 'SIGCONT'],
      [-APP, 'SIGKILL'],
    ]);
    assert.deepEqual([result.outcome, result.signal], ['ok', 'SIGKILL']);
  });

  it('counts an app that became a zombie as gone', async () => {
    const fake = systemWith({
      processes: [app()],
      onSleep: (self) => {
        if (self.signals.length > 0) self.table.set(APP, app({ state: 'Z' }));
      },
    });
    const result = await runKillAction(killPlan(), fake);
    assert.deepEqual(
      fake.signals.map(([, signal]) => signal),
      ['SIGTERM', 'SIGCONT'],
    );
    assert.deepEqual([result.outcome, result.signal], ['ok', 'SIGTERM']);
  });

  it('fails, signalling nothing, when the process table cannot be read', async () => {
    const fake = systemWith({ processes: [app()] });
    fake.processes.liveness = () => {
      throw new Error('cannot read the state of PID 4000 from its procfs status');
    };
    const result = await runKillAction(killPlan(), fake);
    assert.equal(result.outcome, 'failed');
    assert.match(result.detail, /^cannot inspect the process: cannot read the state of PID 4000/);
    assert.deepEqual(fake.signals, []);
  });
});

describe('runKillAction on real processes', () => {
  it('stops a real app that leads its own process group, with its grandchild', async () => {
    // A shell leading its group, with a background child in the same group.
    const child = spawn('/bin/sh', ['-c', 'sleep 300 & echo $!; wait'], {
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const exited = once(child, 'exit');
    const pid = child.pid;
    assert.ok(pid !== undefined && pid > 1);
    killGroupOnCleanup(pid);
    const [line] = (await once(child.stdout, 'data')) as [Buffer];
    const grandchild = Number(line.toString().trim());
    assert.ok(Number.isInteger(grandchild) && grandchild > 1);

    const result = await runKillAction(killPlan({ pid }, 10), realSystem());
    assert.deepEqual([result.outcome, result.signal, result.pid], ['ok', 'SIGTERM', pid]);
    assert.match(result.detail, new RegExp(`^process group ${pid}: exited`));
    assert.deepEqual(await exited, [null, 'SIGTERM']);
    assert.ok(isGone(grandchild), 'the grandchild went with its group');
  });

  it('SIGKILLs a real app that ignores SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['-e', "process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000);"],
      {
        detached: true,
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    const exited = once(child, 'exit');
    const pid = child.pid;
    assert.ok(pid !== undefined && pid > 1);
    killGroupOnCleanup(pid);
    await once(child.stdout, 'data');

    const result = await runKillAction(killPlan({ pid }, 0.2), realSystem());
    assert.deepEqual([result.outcome, result.signal], ['ok', 'SIGKILL']);
    assert.deepEqual(await exited, [null, 'SIGKILL']);
  });
});
