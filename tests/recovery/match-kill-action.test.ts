import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ActionPlan } from '../../src/recovery/plan-recovery.js';
import { runMatchKillAction } from '../../src/recovery/match-kill-action.js';
import { exitOn, fakeSystem, type FakeProcess, type FakeSystemOptions } from '../helpers/fake-system.js';

type KillPlan = Extract<ActionPlan, { kind: 'kill' }>;

const ROOT = { name: 'root', uid: 0, gid: 0, home: '/root' };
const rules = { match: /mosquitto/, user: ROOT };
const plan: KillPlan = {
  kind: 'kill',
  action: 'kill',
  candidate: { pid: undefined, refused: false, why: 'unused' },
  timeoutSeconds: 2,
  byMatch: rules,
};

// The watchdog (100) is run by cron's shell (60) under sshd (50); see fakeSystem.
const broker = (pid: number, fields: Partial<FakeProcess> = {}): FakeProcess => ({
  pid,
  ppid: 1,
  startTime: 1000 + pid,
  commandLine: `/usr/sbin/mosquitto -c /etc/mosquitto/${pid}.conf`,
  ...fields,
});
const bystanders: FakeProcess[] = [
  { pid: 1, ppid: 0, commandLine: '/sbin/init' },
  { pid: 50, commandLine: 'sshd: root@pts/0' },
  { pid: 60, ppid: 50, commandLine: '/bin/sh -c watchdog check' },
  { pid: 100, ppid: 60, commandLine: 'node /usr/bin/watchdog check' },
  { pid: 300, commandLine: '/usr/sbin/nginx' },
];

const kill = (processes: FakeProcess[], options: FakeSystemOptions = {}) => {
  const system = fakeSystem({ processes: [...bystanders, ...processes], ...options });
  return { system, result: runMatchKillAction(plan, rules, system) };
};

describe('runMatchKillAction', () => {
  it('stops both matching processes with SIGTERM, each by its PID, and signals nothing else', async () => {
    const { system, result } = kill([broker(900), broker(901)], { onSignal: exitOn('SIGTERM') });
    const action = await result;
    assert.equal(action.outcome, 'ok');
    assert.deepEqual(system.signals, [
      [900, 'SIGTERM'],
      [901, 'SIGTERM'],
    ]);
    assert.match(action.detail, /^SIGTERM to 2 processes \(PIDs 900, 901\) matching \/mosquitto\/ as root: all exited/);
    assert.deepEqual([...system.table.keys()], [1, 50, 60, 100, 300]);
  });

  it('sends SIGCONT too, and SIGKILL after kill_timeout to those left (only them)', async () => {
    const { system, result } = kill([broker(900), broker(901)], {
      onSignal: (target, signal, fake) => {
        if (target === 900 && signal === 'SIGTERM') fake.exit(900);
        if (signal === 'SIGKILL') fake.exit(target);
      },
    });
    const action = await result;
    assert.equal(action.outcome, 'ok');
    assert.equal(action.signal, 'SIGKILL');
    assert.deepEqual(system.signals, [
      [900, 'SIGTERM'],
      [901, 'SIGTERM'],
      [901, 'SIGCONT'],
      [901, 'SIGKILL'],
    ]);
    assert.match(action.detail, /PID 901 still running 2s after SIGTERM \(kill_timeout\): SIGKILL/);
  });

  it('never signals a PID reused between the scan and the signal', async () => {
    const { system, result } = kill([broker(900), broker(901)], {
      onSignal: (target, signal, fake) => {
        if (signal !== 'SIGTERM') return;
        fake.exit(target);
        // 901 exits and its PID is taken by a new process with the same command line.
        if (target === 900) fake.table.set(901, broker(901, { startTime: 99_999 }));
      },
    });
    const action = await result;
    assert.equal(action.outcome, 'ok');
    assert.deepEqual(system.signals, [[900, 'SIGTERM']]);
    assert.match(action.detail, /PID 901 exited before it was signalled/);
    assert.ok(system.table.has(901), 'the stranger with the reused PID still runs');
  });

  it('never signals a process whose command line stopped matching between the scan and the signal', async () => {
    const { system, result } = kill([broker(900), broker(901)], {
      onSignal: (target, signal, fake) => {
        if (signal !== 'SIGTERM') return;
        fake.exit(target);
        if (target === 900) fake.table.set(901, broker(901, { commandLine: 'vim notes.txt' }));
      },
    });
    const action = await result;
    assert.deepEqual(system.signals, [[900, 'SIGTERM']]);
    assert.equal(action.outcome, 'ok');
    assert.match(action.detail, /PID 901: SIGTERM not sent: PID 901 is not the app: its command line "vim notes.txt"/);
  });

  it('never signals a match that changed its owner before the signal, when the process has a user', async () => {
    const mqtt = { name: 'mqtt', uid: 1001, gid: 1001, home: '/' };
    const system = fakeSystem({
      processes: [...bystanders, broker(900, { uid: 1001 })],
      onSignal: exitOn('SIGTERM'),
    });
    const originalUids = system.processes.uids.bind(system.processes);
    let reads = 0;
    // The scan sees mqtt; the re-check just before SIGTERM sees root (a setuid exec since).
    system.processes.uids = (pid) => (pid === 900 && ++reads > 2 ? { real: 0, effective: 0 } : originalUids(pid));
    const action = await runMatchKillAction(plan, { match: /mosquitto/, user: mqtt }, system);
    assert.deepEqual(system.signals, []);
    assert.equal(action.outcome, 'nothing_to_kill');
    assert.match(action.detail, /runs as uid 0, not as mqtt/);
  });

  it('fails, signalling nothing, when an ancestor of the watchdog matches (the app running watchdog restart)', async () => {
    const system = fakeSystem({
      processes: [...bystanders.filter((entry) => entry.pid !== 60), broker(900), broker(60, { ppid: 50 })],
    });
    const action = await runMatchKillAction(plan, rules, system);
    assert.equal(action.outcome, 'failed');
    assert.match(action.detail, /PID 60, an ancestor of the watchdog, matches/);
    assert.deepEqual(system.signals, []);
  });

  it('signals the app, never the launcher of a run by hand (sudo watchdog restart mosquitto)', async () => {
    const system = fakeSystem({
      processes: [
        ...bystanders.filter((entry) => entry.pid !== 60),
        { pid: 60, ppid: 50, commandLine: 'sudo watchdog restart mosquitto' },
        broker(900),
      ],
      ownArguments: 'restart mosquitto',
      onSignal: exitOn('SIGTERM'),
    });
    const action = await runMatchKillAction(plan, rules, system);
    assert.equal(action.outcome, 'ok', action.detail);
    assert.deepEqual(system.signals, [[900, 'SIGTERM']]);
    assert.ok(system.table.has(60), 'the launcher still runs');
  });

  it('never signals another run of the watchdog (a restart by hand waiting for the lock)', async () => {
    const system = fakeSystem({
      processes: [
        ...bystanders,
        { pid: 610, commandLine: 'node /usr/bin/watchdog restart gateway' },
        { pid: 900, commandLine: 'node /srv/gateway/app.js' },
      ],
      watchdogRuns: [610],
      onSignal: exitOn('SIGTERM'),
    });
    const action = await runMatchKillAction(plan, { match: /^node /, user: ROOT }, system);
    assert.equal(action.outcome, 'ok', action.detail);
    assert.deepEqual(system.signals, [[900, 'SIGTERM']]);
    assert.ok(system.table.has(610));
  });

  it('fails, signalling nothing, when init matches', async () => {
    const system = fakeSystem({ processes: [...bystanders, broker(900)] });
    const action = await runMatchKillAction(plan, { match: /init|mosquitto/, user: ROOT }, system);
    assert.equal(action.outcome, 'failed');
    assert.match(action.detail, /PID 1 \(init\) matches/);
    assert.deepEqual(system.signals, []);
  });

  it('never signals the watchdog or what it started (a cleanup shell holding the pattern)', async () => {
    const { system, result } = kill([broker(100 + 1, { ppid: 100, commandLine: 'sh -c rm /var/lib/mosquitto/db' })]);
    const action = await result;
    assert.equal(action.outcome, 'nothing_to_kill');
    assert.deepEqual(system.signals, []);
  });

  it('fails when a signalled match outlives SIGTERM but no longer matches: no SIGKILL, no start after', async () => {
    const system = fakeSystem({
      processes: [...bystanders, broker(900)],
      // As nginx renames itself while it shuts down: the command line no longer matches.
      onSignal: (target, signal, fake) => {
        if (signal === 'SIGTERM') fake.table.set(900, broker(900, { commandLine: 'mosquitto: shutting down' }));
      },
    });
    const action = await runMatchKillAction(plan, { match: /mosquitto -c/, user: ROOT }, system);
    assert.equal(action.outcome, 'failed');
    // Checked again before every signal: SIGCONT is not sent either.
    assert.deepEqual(system.signals, [[900, 'SIGTERM']]);
    assert.match(action.detail, /PID 900: SIGKILL not sent: PID 900 is not the app/);
  });
});
