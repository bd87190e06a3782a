import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ActionOutcome } from '../../src/recovery/action-result.js';
import { runCommandAction } from '../../src/recovery/command-action.js';
import type { ActionPlan } from '../../src/recovery/plan-recovery.js';
import type { ShellCommandResult } from '../../src/system/run-shell-command.js';
import { formatUtcTimestamp } from '../../src/time/format-utc-timestamp.js';
import { FAKE_NOW_MS, fakeSystem } from '../helpers/fake-system.js';
import { processConfig } from '../helpers/process-config.js';

type CommandPlan = Extract<ActionPlan, { kind: 'command' }>;

const plan: CommandPlan = {
  kind: 'command',
  action: 'clear_db',
  command: './clear-db.sh --force',
  cwd: '/srv/web',
  timeoutSeconds: 45,
  killGraceSeconds: 7,
};

const REASON = 'timed_out (last heartbeat 10m ago)';

describe('runCommandAction', () => {
  it('runs the command in the process folder, bounded by cleanup_timeout, with the kill grace in milliseconds', async () => {
    const system = fakeSystem();
    await runCommandAction(plan, { process: processConfig(), reason: REASON }, system);
    assert.equal(system.shellCommands.length, 1);
    const [options] = system.shellCommands;
    assert.deepEqual(
      [options?.command, options?.cwd, options?.timeoutMs, options?.killGraceMs],
      ['./clear-db.sh --force', '/srv/web', 45_000, 7_000],
    );
  });

  it("gives the command the watchdog's environment, the process's env on top, and the WATCHDOG_* variables", async () => {
    const system = fakeSystem({ env: { PATH: '/usr/bin:/bin', SHARED: 'from the watchdog', LANG: 'C.UTF-8' } });
    const process = processConfig({
      key: 'web',
      env: { SHARED: 'from the process', DB_URL: 'sqlite:///srv/web/db', WATCHDOG_ACTION: 'forged' },
    });
    await runCommandAction(plan, { process, reason: REASON }, system);
    assert.deepEqual(system.shellCommands[0]?.env, {
      PATH: '/usr/bin:/bin',
      LANG: 'C.UTF-8',
      SHARED: 'from the process',
      DB_URL: 'sqlite:///srv/web/db',
      WATCHDOG_PROCESS_KEY: 'web',
      WATCHDOG_ACTION: 'clear_db',
      WATCHDOG_REASON: REASON,
    });
    assert.deepEqual(
      system.env,
      { PATH: '/usr/bin:/bin', SHARED: 'from the watchdog', LANG: 'C.UTF-8' },
      "the watchdog's own environment is left as it was",
    );
  });

  const cases: [name: string, result: Partial<ShellCommandResult>, outcome: ActionOutcome, detail: string][] = [
    ['exit 0', { exitCode: 0, durationMs: 12 }, 'ok', 'exited 0 after 12ms'],
    ['a non-zero exit', { exitCode: 3, durationMs: 1500 }, 'failed', 'exited 3 after 1.5s'],
    [
      'a timeout',
      { exitCode: null, signal: 'SIGTERM', timedOut: true, durationMs: 45_020 },
      'failed',
      'timed out after 45s (cleanup_timeout); its process tree was killed',
    ],
    [
      'a timeout even if the shell then exits 0',
      { exitCode: 0, timedOut: true },
      'failed',
      'timed out after 45s (cleanup_timeout); its process tree was killed',
    ],
    ['a signal', { exitCode: null, signal: 'SIGSEGV', durationMs: 200 }, 'failed', 'killed by SIGSEGV after 0.2s'],
    [
      'a spawn error',
      { pid: undefined, exitCode: null, spawnError: 'the folder /srv/web does not exist (cwd)' },
      'failed',
      'could not run: the folder /srv/web does not exist (cwd)',
    ],
  ];
  for (const [name, result, outcome, detail] of cases) {
    it(`${name} → ${outcome}: ${detail}`, async () => {
      const system = fakeSystem({ shellResult: () => result });
      const action = await runCommandAction(plan, { process: processConfig(), reason: REASON }, system);
      assert.deepEqual([action.action, action.outcome, action.detail], ['clear_db', outcome, detail]);
      assert.equal(action.timedOut, result.timedOut ?? false);
      assert.equal(action.exitCode, result.exitCode);
      assert.equal(action.signal, result.signal ?? null);
      assert.equal(action.pid, 'pid' in result ? result.pid : 5000);
      assert.equal(action.startedAt, formatUtcTimestamp(new Date(FAKE_NOW_MS)));
    });
  }

  it('keeps the end of the output, and records none when there was none', async () => {
    const printed = await runCommandAction(
      plan,
      { process: processConfig(), reason: REASON },
      fakeSystem({ shellResult: () => ({ outputTail: 'vacuumed\n' }) }),
    );
    assert.equal(printed.outputTail, 'vacuumed\n');
    const silent = await runCommandAction(
      plan,
      { process: processConfig(), reason: REASON },
      fakeSystem({ shellResult: () => ({ outputTail: '' }) }),
    );
    assert.equal(silent.outputTail, null);
  });
});
