import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ActionPlan } from '../../src/recovery/plan-recovery.js';
import { runStartAction } from '../../src/recovery/start-action.js';
import { fakeSystem, type FakeProcess } from '../helpers/fake-system.js';
import { processConfig } from '../helpers/process-config.js';

type StartPlan = Extract<ActionPlan, { kind: 'start' }>;

const ROOT = { name: 'root', uid: 0, gid: 0, home: '/root' };
const rules = { match: /mosquitto/, user: ROOT };

// The watchdog (100) is run by cron's shell (60) under sshd (50); see fakeSystem.
const bystanders: FakeProcess[] = [
  { pid: 1, ppid: 0, commandLine: '/sbin/init' },
  { pid: 50, commandLine: 'sshd: root@pts/0' },
  { pid: 60, ppid: 50, commandLine: '/bin/sh -c watchdog check' },
  { pid: 100, ppid: 60, commandLine: 'node /usr/bin/watchdog check' },
];
const broker: FakeProcess = { pid: 900, commandLine: '/usr/sbin/mosquitto -c /etc/mosquitto/mosquitto.conf' };

describe('runStartAction for an app found by match', () => {
  const startPlan: StartPlan = {
    kind: 'start',
    action: 'start',
    command: 'mosquitto -d',
    cwd: '/',
    outputLog: '/var/log/watchdog/mqtt.out.log',
    outputLogFallback: '/var/log/watchdog/logs/mqtt.out.log',
    outputLogMaxBytes: 1_048_576,
    verifyDelaySeconds: 1,
    heartbeat: undefined,
    byMatch: rules,
  };

  it('does not start a second copy while a matching process runs (a daemon that came up late)', async () => {
    const system = fakeSystem({ processes: [...bystanders, broker] });
    const action = await runStartAction(startPlan, { process: processConfig(), reason: 'not_running' }, system);
    assert.equal(action.outcome, 'failed');
    assert.match(action.detail, /PID 900 already matches \/mosquitto\/ as root; not starting a second copy/);
    assert.deepEqual(system.starts, []);
  });

  it('does not start beside a cut command line of the user that may match past the cut, --force or not (review 2, finding 1)', async () => {
    const java: FakeProcess = {
      pid: 920,
      commandLine: `/usr/bin/java -cp ${'/opt/lib/x.jar:'.repeat(300)}`.slice(0, 4096),
      commandLineCut: true,
    };
    const system = fakeSystem({ processes: [...bystanders, java] });
    const action = await runStartAction(
      { ...startPlan, byMatch: { match: /com\.example\.Gateway/, user: ROOT } },
      { process: processConfig(), reason: 'restart' },
      system,
    );
    assert.equal(action.outcome, 'failed');
    assert.match(
      action.detail,
      /PID 920's command line goes on past the 4096 bytes searched and may match .*; not starting what may be a second copy$/,
    );
    assert.deepEqual(system.starts, []);
  });

  it('starts beside a cut command line of another program when the pattern is anchored on the executable', async () => {
    const java: FakeProcess = {
      pid: 920,
      commandLine: `/usr/bin/java -cp ${'/opt/lib/x.jar:'.repeat(300)}`.slice(0, 4096),
      commandLineCut: true,
    };
    const system = fakeSystem({ processes: [...bystanders, java] });
    const action = await runStartAction(
      { ...startPlan, byMatch: { match: /^\/usr\/sbin\/mosquitto /, user: ROOT } },
      { process: processConfig(), reason: 'restart' },
      system,
    );
    assert.equal(action.outcome, 'ok', action.detail);
    assert.equal(system.starts.length, 1);
  });

  it('starts when nothing matches (the watchdog and its ancestors do not count as running)', async () => {
    const system = fakeSystem({ processes: bystanders });
    const action = await runStartAction(startPlan, { process: processConfig(), reason: 'not_running' }, system);
    assert.equal(action.outcome, 'ok');
    assert.equal(system.starts.length, 1);
  });

  it('starts though its launcher matches (sudo watchdog restart mosquitto)', async () => {
    const launcher = { pid: 60, ppid: 50, commandLine: 'sudo watchdog restart mosquitto' };
    const system = fakeSystem({
      processes: [...bystanders.filter((entry) => entry.pid !== 60), launcher],
      ownArguments: 'restart mosquitto',
    });
    const action = await runStartAction(startPlan, { process: processConfig(), reason: 'restart' }, system);
    assert.equal(action.outcome, 'ok', action.detail);
    assert.equal(system.starts.length, 1);
  });

  it('does not start beside a matching ancestor', async () => {
    const system = fakeSystem({ processes: bystanders });
    const action = await runStartAction(
      { ...startPlan, byMatch: { match: /watchdog check/, user: ROOT } },
      { process: processConfig(), reason: 'not_running' },
      system,
    );
    assert.equal(action.outcome, 'failed');
    assert.deepEqual(system.starts, []);
  });
});
