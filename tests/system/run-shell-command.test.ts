import assert from 'node:assert/strict';
import { realpathSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { listProcessGroup, readProcStat } from '../../src/system/proc-stat.js';
import { runShellCommand, type ShellCommandOptions } from '../../src/system/run-shell-command.js';
import { isGone, killProcessOnCleanup, readPidFile } from '../helpers/owned-processes.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/** Options for a command run in a fresh temp folder with this process's environment. */
function optionsFor(command: string, extra: Partial<ShellCommandOptions> = {}): ShellCommandOptions {
  return { command, cwd: makeTempDir(), env: process.env, timeoutMs: 30_000, killGraceMs: 1000, ...extra };
}

/** Stops a test that hangs instead of letting it block the run; never an assertion on speed. */
const hangGuard = { timeout: 60_000 };

describe('runShellCommand', () => {
  it('reports the exit code and what the command printed on stdout and stderr', async () => {
    const result = await runShellCommand(optionsFor('echo to-stdout; echo to-stderr >&2; exit 3'));
    assert.equal(result.exitCode, 3);
    assert.equal(result.signal, null);
    assert.equal(result.timedOut, false);
    assert.equal(result.spawnError, undefined);
    assert.ok(Number.isInteger(result.pid) && (result.pid ?? 0) > 1);
    assert.ok(Number.isInteger(result.durationMs) && result.durationMs >= 0);
    // The two pipes are read independently, so only each line's presence is certain.
    assert.deepEqual(result.outputTail.split('\n').sort(), ['', 'to-stderr', 'to-stdout']);
  });

  it('keeps what only stderr got', async () => {
    const result = await runShellCommand(optionsFor('echo only-on-stderr >&2'));
    assert.equal(result.exitCode, 0);
    assert.equal(result.outputTail, 'only-on-stderr\n');
  });

  it('reports a command that cannot be found as the shell does: 127', async () => {
    const result = await runShellCommand(optionsFor('no-such-command-for-watchdog-tests'));
    assert.equal(result.exitCode, 127);
    assert.equal(result.spawnError, undefined);
    assert.match(result.outputTail, /no-such-command-for-watchdog-tests: not found/);
  });

  it('keeps only the last 4096 bytes of a long output, and fewer when asked', async () => {
    // `seq 1 20000` prints about 109 KB; every line differs, so a wrong cut shows.
    const printed = Array.from({ length: 20_000 }, (_, index) => `${index + 1}\n`).join('');
    const result = await runShellCommand(optionsFor('seq 1 20000'));
    assert.equal(result.exitCode, 0);
    assert.equal(result.outputTail, printed.slice(-4096));

    const short = await runShellCommand(optionsFor('seq 1 20000', { outputTailBytes: 10 }));
    assert.equal(short.outputTail, printed.slice(-10));
  });

  it('runs in the given folder with exactly the given environment', async () => {
    const cwd = makeTempDir();
    const env = { PATH: process.env.PATH, WATCHDOG_TEST_GREETING: 'hello there' };
    const result = await runShellCommand(
      optionsFor('printf "%s|%s|%s" "$WATCHDOG_TEST_GREETING" "$(pwd -P)" "${HOME-no home}"', { cwd, env }),
    );
    assert.equal(result.exitCode, 0);
    assert.equal(result.outputTail, `hello there|${realpathSync(cwd)}|no home`);
  });

  it('on timeout kills the shell and the grandchild it started, and waits until both are gone', hangGuard, async () => {
    const cwd = makeTempDir();
    const running = runShellCommand(optionsFor('sleep 1000 & echo $! > grandchild.pid; wait', { cwd, timeoutMs: 300 }));
    const grandchild = await readPidFile(join(cwd, 'grandchild.pid'));
    killProcessOnCleanup(grandchild);
    const grandchildStart = readProcStat(grandchild)?.startTime;

    const result = await running;
    assert.equal(result.timedOut, true);
    assert.equal(result.exitCode, null);
    assert.equal(result.signal, 'SIGTERM');
    assert.ok(result.pid !== undefined);
    assert.ok(isGone(result.pid), 'the shell is gone');
    assert.ok(isGone(grandchild, grandchildStart), 'the grandchild is gone');
    assert.deepEqual(listProcessGroup(result.pid), []);
  });

  it('SIGKILLs a group that ignores SIGTERM once the grace has passed', hangGuard, async () => {
    // An ignored signal stays ignored across exec, so `sleep` ignores SIGTERM too.
    const cwd = makeTempDir();
    const running = runShellCommand(
      optionsFor('trap "" TERM; sleep 1000 & echo $! > grandchild.pid; wait', {
        cwd,
        timeoutMs: 300,
        killGraceMs: 300,
      }),
    );
    const grandchild = await readPidFile(join(cwd, 'grandchild.pid'));
    killProcessOnCleanup(grandchild);
    const grandchildStart = readProcStat(grandchild)?.startTime;

    const result = await running;
    assert.equal(result.timedOut, true);
    assert.equal(result.signal, 'SIGKILL');
    assert.ok(result.pid !== undefined);
    assert.ok(isGone(grandchild, grandchildStart), 'the grandchild is gone');
    assert.deepEqual(listProcessGroup(result.pid), []);
  });

  it('keeps the output printed before a timeout', hangGuard, async () => {
    const result = await runShellCommand(optionsFor('echo before the hang; sleep 1000', { timeoutMs: 300 }));
    assert.equal(result.timedOut, true);
    assert.equal(result.outputTail, 'before the hang\n');
  });

  it('signals only the processes of its own tree, each by PID', hangGuard, async () => {
    const sent: [pid: number, signal: NodeJS.Signals][] = [];
    const kill = (pid: number, signal: NodeJS.Signals): void => {
      sent.push([pid, signal]);
      process.kill(pid, signal);
    };
    const cwd = makeTempDir();
    const result = await runShellCommand(
      optionsFor('sleep 1000 & echo $! > grandchild.pid; wait', { cwd, timeoutMs: 300, treeAccess: { kill } }),
    );
    const grandchild = await readPidFile(join(cwd, 'grandchild.pid'));
    assert.equal(result.timedOut, true);
    assert.ok(result.pid !== undefined);
    assert.ok(sent.length > 0);
    assert.deepEqual(
      [...new Set(sent.map(([pid]) => pid))].sort(),
      [result.pid, grandchild].sort((a, b) => a - b),
    );
    assert.ok(
      sent.every(([pid]) => pid > 1),
      'never a group, never init',
    );
  });

  it('returns when the shell exits although a background grandchild keeps its output open', hangGuard, async () => {
    const cwd = makeTempDir();
    const result = await runShellCommand(optionsFor('sleep 1000 & echo $! > background.pid; echo done', { cwd }));
    const background = await readPidFile(join(cwd, 'background.pid'));
    killProcessOnCleanup(background);

    assert.equal(result.exitCode, 0);
    assert.equal(result.timedOut, false);
    assert.equal(result.outputTail, 'done\n');
    // Only a timeout stops the group; a command that exits on its own may leave a daemon behind.
    assert.equal(isGone(background), false);
  });

  it('reports a missing working folder as a spawn error, naming the folder', async () => {
    const cwd = join(makeTempDir(), 'missing');
    const result = await runShellCommand(optionsFor('echo never', { cwd }));
    assert.equal(result.pid, undefined);
    assert.equal(result.exitCode, null);
    assert.equal(result.signal, null);
    assert.equal(result.timedOut, false);
    assert.equal(result.outputTail, '');
    assert.ok(result.spawnError?.startsWith(`the working folder ${cwd} does not exist`), result.spawnError);
  });

  it('reports a command Node refuses outright as a spawn error', async () => {
    const result = await runShellCommand(optionsFor('echo \0'));
    assert.equal(result.pid, undefined);
    assert.match(result.spawnError ?? '', /null bytes/);
  });

  it('rejects a timeout that is not a delay, without starting anything', async () => {
    for (const timeoutMs of [-1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31]) {
      await assert.rejects(runShellCommand(optionsFor('echo never', { timeoutMs })), RangeError);
    }
  });
});

describe('runShellCommand: the watchdog asked to stop', () => {
  it(
    'stops the whole group at once when its signal aborts, with a short grace, and says it was interrupted',
    hangGuard,
    async () => {
      const cwd = makeTempDir();
      const controller = new AbortController();
      // Ignores SIGTERM, so the group needs SIGKILL after the grace (at most 1 s, not killGraceMs).
      const running = runShellCommand(
        optionsFor(`trap '' TERM; sleep 1000 & echo $! > grandchild.pid; while :; do sleep 0.1; done`, {
          cwd,
          killGraceMs: 30_000,
          signal: controller.signal,
        }),
      );
      const grandchild = await readPidFile(join(cwd, 'grandchild.pid'));
      killProcessOnCleanup(grandchild);
      const started = performance.now();
      controller.abort('SIGTERM');
      const result = await running;
      assert.equal(result.interrupted, true);
      assert.equal(result.timedOut, false);
      assert.ok(performance.now() - started < 10_000, 'stopped within the short grace, not killGraceMs');
      assert.ok(isGone(grandchild), 'no member of its group is left');
    },
  );

  it('runs nothing long when the signal has already aborted', hangGuard, async () => {
    const controller = new AbortController();
    controller.abort('SIGINT');
    const result = await runShellCommand(optionsFor('sleep 1000', { signal: controller.signal }));
    assert.equal(result.interrupted, true);
  });
});
