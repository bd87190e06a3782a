import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { listProcessGroup, readProcStat } from '../../src/system/proc-stat.js';
import { startDetached, type StartDetachedOptions, type StartDetachedResult } from '../../src/system/start-detached.js';
import { isGone, killGroupOnCleanup, waitUntil } from '../helpers/owned-processes.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const STARTER = fileURLToPath(new URL('fixtures/start-detached-and-return.ts', import.meta.url));

/** Options for an app started in a fresh temp folder, its output in `logs/app.out` there. */
function optionsFor(command: string, extra: Partial<StartDetachedOptions> = {}): StartDetachedOptions {
  const dir = makeTempDir();
  return {
    command,
    cwd: dir,
    env: process.env,
    outputPath: join(dir, 'logs', 'app.out'),
    verifyDelayMs: 10_000,
    ...extra,
  };
}

/** Starts an app; one still running is SIGKILLed (its whole group) when the test ends. */
async function start(options: StartDetachedOptions): Promise<StartDetachedResult> {
  const result = await startDetached(options);
  if (result.outcome === 'running' && result.pid !== undefined) killGroupOnCleanup(result.pid);
  return result;
}

/** The command name of a live process, as procfs shows it. */
function commOf(pid: number): string {
  return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
}

/** Stops a test that hangs instead of letting it block the run; never an assertion on speed. */
const hangGuard = { timeout: 60_000 };

describe('startDetached', () => {
  it('reports an app that exits within the delay, with its code and output', async () => {
    const options = optionsFor('echo starting up; echo cannot bind >&2; exit 3', { header: '--- start 1 ---' });
    const result = await start(options);
    assert.equal(result.outcome, 'exited');
    assert.equal(result.exitCode, 3);
    assert.equal(result.signal, null);
    assert.equal(result.error, undefined);
    assert.ok(result.pid !== undefined && result.pid > 1);
    // The header is the watchdog's line, not the app's output.
    assert.equal(result.outputTail, 'starting up\ncannot bind\n');
    assert.equal(readFileSync(options.outputPath, 'utf8'), '--- start 1 ---\nstarting up\ncannot bind\n');
  });

  it('reports an app killed by a signal within the delay', async () => {
    const result = await start(optionsFor('kill -TERM $$'));
    assert.equal(result.outcome, 'exited');
    assert.equal(result.exitCode, null);
    assert.equal(result.signal, 'SIGTERM');
  });

  it('reports a long-running app as running, in a session and group the PID leads', hangGuard, async () => {
    const options = optionsFor('echo up; sleep 1000', { verifyDelayMs: 200 });
    const result = await start(options);
    assert.equal(result.outcome, 'running');
    assert.equal(result.exitCode, null);
    assert.equal(result.signal, null);
    assert.equal(result.outputTail, 'up\n');
    const pid = result.pid;
    assert.ok(pid !== undefined);
    const stat = readProcStat(pid);
    assert.deepEqual({ pgrp: stat?.pgrp, session: stat?.session }, { pgrp: pid, session: pid });
    assert.notEqual(readProcStat(process.pid)?.session, pid);

    // dash (Debian's /bin/sh) does not replace itself with the last command of `sh -c`:
    // the PID is the shell's, and the app is its child in the same group and session.
    assert.equal(commOf(pid), 'sh');
    const appOf = (): number | undefined =>
      listProcessGroup(pid).find((member) => member !== pid && commOf(member) === 'sleep');
    await waitUntil(() => appOf() !== undefined, 'the shell has started the app');
    const app = appOf() ?? 0;
    assert.equal(listProcessGroup(pid).length, 2);
    const appStat = readProcStat(app);
    assert.deepEqual(
      { ppid: appStat?.ppid, pgrp: appStat?.pgrp, session: appStat?.session },
      { ppid: pid, pgrp: pid, session: pid },
    );
  });

  it('gives the app the PID itself when the command uses exec', hangGuard, async () => {
    const result = await start(optionsFor('exec sleep 1000', { verifyDelayMs: 200 }));
    assert.equal(result.outcome, 'running');
    assert.ok(result.pid !== undefined);
    assert.equal(commOf(result.pid), 'sleep');
    assert.deepEqual(listProcessGroup(result.pid), [result.pid]);
    assert.equal(readProcStat(result.pid)?.session, result.pid);
  });

  it(
    'leaves the app running, and writing its output, after the process that started it has ended',
    hangGuard,
    async () => {
      const options = optionsFor('while :; do echo tick; sleep 0.05; done', { verifyDelayMs: 100 });
      // The starter passes its own environment; a JSON copy of this one is not needed.
      const starter = spawn(
        process.execPath,
        ['--import', 'tsx', STARTER, JSON.stringify({ ...options, env: undefined })],
        {
          cwd: REPO_ROOT,
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      let printed = '';
      starter.stdout.setEncoding('utf8').on('data', (chunk: string) => (printed += chunk));
      // The starter never calls process.exit: it ends only if nothing of startDetached keeps it alive.
      const [code] = (await once(starter, 'exit')) as [number | null];
      assert.equal(code, 0);
      const result = JSON.parse(printed) as StartDetachedResult;
      assert.equal(result.outcome, 'running');
      assert.ok(result.pid !== undefined);
      killGroupOnCleanup(result.pid);

      assert.equal(isGone(result.pid), false);
      assert.notEqual(readProcStat(result.pid)?.ppid, starter.pid);
      const ticks = (): number => readFileSync(options.outputPath, 'utf8').split('tick\n').length - 1;
      const ticksAtExit = ticks();
      await waitUntil(() => ticks() > ticksAtExit + 2, 'the app writes more output');
    },
  );

  it('appends the output of each start after its header, and reports only the new output', async () => {
    const first = optionsFor('echo first run', { header: '--- start 1 ---' });
    await start(first);
    const second = await start({ ...first, command: 'echo second run', header: '--- start 2 ---\n' });
    assert.equal(second.outcome, 'exited');
    assert.equal(second.outputTail, 'second run\n');
    assert.equal(readFileSync(first.outputPath, 'utf8'), '--- start 1 ---\nfirst run\n--- start 2 ---\nsecond run\n');
  });

  it('reports the last 4096 bytes of a long output', async () => {
    const printed = Array.from({ length: 20_000 }, (_, index) => `${index + 1}\n`).join('');
    const result = await start(optionsFor('seq 1 20000'));
    assert.equal(result.outcome, 'exited');
    assert.equal(result.outputTail, printed.slice(-4096));
  });

  it('creates the output folder and file readable by the group only', async () => {
    const options = optionsFor('echo hi');
    await start(options);
    // The umask may take bits away; none may be added.
    assert.equal(statSync(options.outputPath).mode & 0o777 & ~0o640, 0);
    assert.equal(statSync(join(options.outputPath, '..')).mode & 0o777 & ~0o750, 0);
  });

  it('rotates an output file above the limit to .1, replacing the previous one', async () => {
    const options = optionsFor('echo fresh', { rotateAboveBytes: 100, header: 'H' });
    mkdirSync(join(options.outputPath, '..'), { recursive: true });
    writeFileSync(options.outputPath, 'x'.repeat(101));
    writeFileSync(`${options.outputPath}.1`, 'older still');

    await start(options);
    assert.equal(readFileSync(`${options.outputPath}.1`, 'utf8'), 'x'.repeat(101));
    assert.equal(readFileSync(options.outputPath, 'utf8'), 'H\nfresh\n');

    // At or below the limit, the file is appended to.
    await start({ ...options, command: 'echo again', rotateAboveBytes: 1000 });
    assert.equal(readFileSync(options.outputPath, 'utf8'), 'H\nfresh\nH\nagain\n');
    assert.equal(readFileSync(`${options.outputPath}.1`, 'utf8'), 'x'.repeat(101));
  });

  it('reports a missing working folder as a failed start, naming the folder', async () => {
    for (const verifyDelayMs of [0, 1000]) {
      const options = optionsFor('echo never', { verifyDelayMs });
      const cwd = join(options.cwd, 'missing');
      const result = await start({ ...options, cwd });
      assert.equal(result.outcome, 'spawn-failed');
      assert.equal(result.pid, undefined);
      assert.equal(result.exitCode, null);
      assert.equal(result.signal, null);
      assert.ok(result.error?.startsWith(`the working folder ${cwd} does not exist`), result.error);
    }
  });

  it('still reports a running app with a delay of 0', hangGuard, async () => {
    const result = await start(optionsFor('exec sleep 1000', { verifyDelayMs: 0 }));
    assert.equal(result.outcome, 'running');
    assert.ok(result.pid !== undefined);
    assert.equal(isGone(result.pid), false);
  });

  it('starts the app with its output in the fallback when the output file cannot be opened, and says why', async () => {
    const options = optionsFor('echo to-the-fallback; touch started', { verifyDelayMs: 2000 });
    writeFileSync(join(options.cwd, 'logs'), 'a file where the folder should be');
    const fallback = join(options.cwd, 'fallback', 'app.out');
    const result = await start({ ...options, fallbackOutputPaths: [fallback] });
    assert.equal(result.outcome, 'exited');
    assert.equal(result.exitCode, 0);
    assert.equal(result.outputPath, fallback);
    assert.equal(result.outputProblems.length, 1);
    assert.match(result.outputProblems[0] ?? '', /^cannot use the output file .*logs\/app\.out: .*ENOTDIR/);
    assert.equal(result.outputTail, 'to-the-fallback\n');
    assert.ok(statSync(join(options.cwd, 'started')).isFile(), 'the app ran');
  });

  it('starts the app with its output in /dev/null when no output file can be opened', async () => {
    const options = optionsFor('touch started', { verifyDelayMs: 2000 });
    writeFileSync(join(options.cwd, 'logs'), 'a file where the folder should be');
    const result = await start({ ...options, fallbackOutputPaths: [join(options.cwd, 'logs', 'other.out')] });
    assert.equal(result.outcome, 'exited');
    assert.equal(result.outputPath, '/dev/null');
    assert.equal(result.outputProblems.length, 2);
    assert.ok(statSync(join(options.cwd, 'started')).isFile(), 'the app ran');
  });
});
