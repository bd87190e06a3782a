import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { HealthVerdict } from '../../src/heartbeat/classify-heartbeat.js';
import { graceClockOf, isStartedInstanceGone, startFactsOf } from '../../src/recovery/start-facts.js';
import { decideStart } from '../../src/recovery/decide-start.js';
import type { ActionPlan } from '../../src/recovery/plan-recovery.js';
import { runStartAction } from '../../src/recovery/start-action.js';
import type { StartedInstance } from '../../src/store/process-control.js';
import { realSystem } from '../../src/system/system.js';
import { processConfig } from '../helpers/process-config.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { FAKE_BOOT_ID, fakeSystem, type FakeProcess } from '../helpers/fake-system.js';
import { verdictOf } from '../helpers/verdicts.js';

const REQUEST = { intent: 'recover' as const, force: false, actions: ['kill', 'start'] };
const untrusted = (pid: number): HealthVerdict =>
  verdictOf('invalid_heartbeat', 'heartbeat iteration must be a non-negative integer (got "many")', { pid });
const factsFor = (checked: HealthVerdict, processes: FakeProcess[], started?: StartedInstance, expected = {}) => {
  const system = fakeSystem({ processes });
  return {
    facts: startFactsOf(REQUEST, { verdict: checked, checked, guard: undefined }, started, system.processes, expected),
    system,
  };
};

describe('startFactsOf', () => {
  it('names the live process an untrusted heartbeat names', () => {
    assert.equal(factsFor(untrusted(4000), [{ pid: 4000 }]).facts.untrustedLivePid, 4000);
  });

  it('not when it is dead, a zombie or a thread', () => {
    assert.equal(factsFor(untrusted(4000), []).facts.untrustedLivePid, undefined);
    assert.equal(factsFor(untrusted(4000), [{ pid: 4000, state: 'Z' }]).facts.untrustedLivePid, undefined);
    assert.equal(factsFor(untrusted(4000), [{ pid: 4000, thread: true }]).facts.untrustedLivePid, undefined);
  });

  it('not when it is the instance the watchdog recorded: kill stops that one', () => {
    const { facts } = factsFor(untrusted(4000), [{ pid: 4000, startTime: 777 }], {
      pid: 4000,
      startTicks: 777,
      bootId: FAKE_BOOT_ID,
    });
    assert.deepEqual([facts.untrustedLivePid, facts.recordedLivePid], [undefined, 4000]);
  });

  it('not when the config shows it is a stranger (match, user)', () => {
    const stranger = [{ pid: 4000, commandLine: '/usr/sbin/sshd', uid: 0 }];
    assert.equal(
      factsFor(untrusted(4000), stranger, undefined, { match: /my_app/u }).facts.untrustedLivePid,
      undefined,
    );
    assert.equal(
      factsFor(untrusted(4000), stranger, undefined, { user: { name: 'app', uid: 1000, gid: 1000, home: '/' } }).facts
        .untrustedLivePid,
      undefined,
    );
    assert.equal(
      factsFor(untrusted(4000), [{ pid: 4000, commandLine: '/opt/my_app' }], undefined, { match: /my_app/u }).facts
        .untrustedLivePid,
      4000,
    );
  });

  it("not when it runs as another user than the heartbeat's ordinary writer (no `user`)", () => {
    const written = (pid: number): HealthVerdict =>
      verdictOf('invalid_heartbeat', 'names another key', { pid, writerUid: 1001 });
    assert.equal(factsFor(written(4000), [{ pid: 4000, uid: 1002 }]).facts.untrustedLivePid, undefined);
    assert.equal(factsFor(written(4000), [{ pid: 4000, uid: 1001 }]).facts.untrustedLivePid, 4000);
  });

  it('never looks up a hostile PID', () => {
    for (const pid of [-1, 0, 1]) {
      const { facts, system } = factsFor(untrusted(pid), [{ pid: 1 }]);
      assert.equal(facts.untrustedLivePid, undefined);
      assert.deepEqual(system.inspected, []);
    }
  });

  it('a recorded instance is alive only with the same start time and boot', () => {
    const live = [{ pid: 5000, startTime: 900 }];
    const none = verdictOf('no_heartbeat');
    assert.equal(
      factsFor(none, live, { pid: 5000, startTicks: 900, bootId: FAKE_BOOT_ID.toUpperCase() }).facts.recordedLivePid,
      5000,
    );
    assert.equal(factsFor(none, live, { pid: 5000, startTicks: 900 }).facts.recordedLivePid, 5000);
    assert.equal(
      factsFor(none, live, { pid: 5000, startTicks: 901, bootId: FAKE_BOOT_ID }).facts.recordedLivePid,
      undefined,
    );
    assert.equal(
      factsFor(none, live, { pid: 5000, startTicks: 900, bootId: 'another-boot' }).facts.recordedLivePid,
      undefined,
    );
    assert.equal(
      factsFor(none, [{ pid: 5000, startTime: 900, state: 'Z' }], { pid: 5000, startTicks: 900 }).facts.recordedLivePid,
      undefined,
    );
  });
});

describe('isStartedInstanceGone', () => {
  const STARTED: StartedInstance = { pid: 5000, startTicks: 900, bootId: FAKE_BOOT_ID };
  const cases: [name: string, started: StartedInstance | undefined, processes: FakeProcess[], gone: boolean][] = [
    ['nothing recorded (a start under way, or one that handed over): may be coming up', undefined, [], false],
    ['still running: same PID, start time and boot', STARTED, [{ pid: 5000, startTime: 900 }], false],
    ['stopped (SIGSTOP) is still there', STARTED, [{ pid: 5000, startTime: 900, state: 'T' }], false],
    ['not running, nothing left in its session or group', STARTED, [{ pid: 4000 }], true],
    ['a zombie, nothing left', STARTED, [{ pid: 5000, startTime: 900, state: 'Z' }], true],
    [
      'its PID taken by a process that does not lead a session or group',
      STARTED,
      [{ pid: 5000, startTime: 950, pgrp: 10, session: 10 }],
      true,
    ],
    [
      'its PID taken by a process that leads its own session: cannot be told from a member, not proven',
      STARTED,
      [{ pid: 5000, startTime: 950 }],
      false,
    ],
    [
      'a child it left in its session (forked without setsid) runs',
      STARTED,
      [{ pid: 5001, startTime: 905, pgrp: 5001, session: 5000 }],
      false,
    ],
    [
      'a child it left in its process group runs',
      STARTED,
      [{ pid: 5001, startTime: 905, pgrp: 5000, session: 77 }],
      false,
    ],
    ['only a zombie is left in its session', STARTED, [{ pid: 5001, startTime: 905, session: 5000, state: 'Z' }], true],
    [
      'recorded in another boot: gone with it, whatever holds its IDs now',
      { ...STARTED, bootId: 'another-boot' },
      [
        { pid: 5000, startTime: 900 },
        { pid: 5001, session: 5000 },
      ],
      true,
    ],
    ['recorded without a boot id (older rows), not running, nothing left', { pid: 5000, startTicks: 900 }, [], true],
  ];
  for (const [name, started, processes, gone] of cases) {
    it(name, () => {
      assert.equal(isStartedInstanceGone(started, fakeSystem({ processes }).processes), gone);
    });
  }
});

describe('graceClockOf', () => {
  it('a process table that cannot be read proves nothing gone: the grace holds', () => {
    const { processes } = fakeSystem({ processes: [] });
    const failing = {
      ...processes,
      sessionMembers: (): number[] => {
        throw new Error('cannot parse a procfs stat line');
      },
    };
    assert.equal(graceClockOf(processes).isGone?.({ pid: 5000, startTicks: 900, bootId: FAKE_BOOT_ID }), true);
    assert.equal(graceClockOf(failing).isGone?.({ pid: 5000, startTicks: 900, bootId: FAKE_BOOT_ID }), false);
  });
});

describe('startFactsOf: when a gone started instance proves the app gone (health alone)', () => {
  const HEALTH_ALONE = { health: { type: 'tcp', port: 8080 } };
  const failed = verdictOf('probe_failed', 'tcp 127.0.0.1:8080: connection refused');
  const NOTHING_LEFT: FakeProcess[] = [{ pid: 4000 }];
  const cases: [name: string, started: StartedInstance, gone: boolean, proof: string | undefined, decision: string][] =
    [
      [
        'the start command itself, running after verify_delay, gone',
        { pid: 5000, startTicks: 900, bootId: FAKE_BOOT_ID, foundBy: 'ran' },
        true,
        'ran',
        'start',
      ],
      [
        'the daemon pid_file named, gone',
        { pid: 5000, startTicks: 900, bootId: FAKE_BOOT_ID, foundBy: 'pid_file' },
        true,
        'pid_file',
        'start',
      ],
      [
        "found in a daemonising start command's session, gone: may be a launcher",
        { pid: 5000, startTicks: 900, bootId: FAKE_BOOT_ID, foundBy: 'session' },
        true,
        undefined,
        'unknown',
      ],
      [
        'the command as spawned, its outcome never seen (a watchdog killed in verify_delay)',
        { pid: 5000, startTicks: 900, bootId: FAKE_BOOT_ID },
        true,
        undefined,
        'unknown',
      ],
      ['a row from before this was kept', { pid: 5000, startTicks: 900 }, true, undefined, 'unknown'],
      [
        'of an earlier boot, however found',
        { pid: 5000, startTicks: 900, bootId: 'another-boot', foundBy: 'session' },
        true,
        'earlier_boot',
        'start',
      ],
    ];
  for (const [name, started, gone, proof, decision] of cases) {
    it(name, () => {
      const { facts } = factsFor(failed, NOTHING_LEFT, started, HEALTH_ALONE);
      assert.equal(facts.probeAlone, true);
      assert.equal(facts.startedGone, gone);
      assert.equal(facts.startedProof, proof);
      const decided = decideStart(facts);
      assert.equal(decided.start ? 'start' : decided.refusal, decision);
    });
  }
});

describe('a daemonising start command, for real: cron never starts a second copy (health alone)', () => {
  it('refuses the next start while the daemon its launcher left in a session of its own runs', async () => {
    const dir = makeTempDir();
    const daemonPidFile = join(dir, 'daemon.pid');
    const system = realSystem();
    // A launcher: the command exits at once; a subshell left in its session starts the daemon
    // with setsid a moment later and exits, as an init script or start-stop-daemon -b does.
    const command = `(sleep 0.3; setsid sh -c 'echo $$ > ${daemonPidFile}; exec sleep 60' </dev/null >/dev/null 2>&1 &) & exit 0`;
    const plan: Extract<ActionPlan, { kind: 'start' }> = {
      kind: 'start',
      action: 'start',
      command,
      cwd: dir,
      outputLog: join(dir, 'out.log'),
      outputLogFallback: join(dir, 'out-fallback.log'),
      outputLogMaxBytes: 1_048_576,
      verifyDelaySeconds: 1,
      heartbeat: undefined,
      pidFile: undefined,
      appUser: undefined,
    };
    const app = processConfig({ cwd: dir, heartbeat_path: undefined, user: undefined });
    try {
      const action = await runStartAction(plan, { process: app, reason: 'probe_failed' }, system);
      assert.equal(action.outcome, 'ok', action.detail);
      const recorded = action.daemon;
      assert.equal(
        recorded?.foundBy,
        'session',
        `the subshell left in its session is what was found: ${action.detail}`,
      );
      // The subshell hands over to the daemon and exits.
      const daemonPid = await waitFor(() => {
        const text = existsSync(daemonPidFile) ? readFileSync(daemonPidFile, 'utf8').trim() : '';
        const pid = Number(text);
        return text !== '' && recorded !== undefined && system.processes.stat(recorded.pid) === undefined
          ? pid
          : undefined;
      });
      assert.equal(system.processes.liveness(daemonPid), 'alive', 'the daemon runs (hung, as far as its probe says)');
      assert.equal(isStartedInstanceGone(recorded, system.processes), true, 'nothing of it is left in its session');
      const failed = verdictOf('probe_failed', 'tcp 127.0.0.1:8080: connection refused');
      const facts = startFactsOf(
        REQUEST,
        { verdict: failed, checked: failed, guard: undefined },
        recorded,
        system.processes,
        { health: { type: 'tcp', port: 8080 } },
      );
      const decided = decideStart(facts);
      assert.equal(decided.start ? 'start' : decided.refusal, 'unknown', 'no second daemon beside the first');
      assert.match(decided.start ? '' : decided.why, /launcher whose daemon left its session; set pid_file/);
    } finally {
      // Only the daemon this test's launcher started is stopped, once it has named itself.
      const pid = await waitFor(() =>
        existsSync(daemonPidFile) ? Number(readFileSync(daemonPidFile, 'utf8').trim()) || undefined : undefined,
      ).catch(() => undefined);
      if (pid !== undefined && pid > 1) process.kill(pid, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Polls until `get` answers (at most 10 s: a slower machine only waits longer, nothing is timed). */
async function waitFor<T>(get: () => T | undefined): Promise<T> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const value = get();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('waited 10 s in vain');
}
