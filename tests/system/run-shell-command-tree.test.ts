import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { findOwnCgroupFolder } from '../../src/system/command-cgroup.js';
import { readProcStat } from '../../src/system/proc-stat.js';
import { runShellCommand, type ShellCommandOptions } from '../../src/system/run-shell-command.js';
import { isGone, killProcessOnCleanup, readPidFile } from '../helpers/owned-processes.js';
import { makeTempDir } from '../helpers/temp-dir.js';

function optionsFor(command: string, extra: Partial<ShellCommandOptions> = {}): ShellCommandOptions {
  return { command, cwd: makeTempDir(), env: process.env, timeoutMs: 30_000, killGraceMs: 500, ...extra };
}

const hangGuard = { timeout: 60_000 };

/** A grandchild that leaves the command's session, writes its PID, and sleeps. */
const SETSID_GRANDCHILD = "setsid sh -c 'echo $$ > escaped.pid; exec sleep 1000' & wait";
/**
 * A descendant that leaves the session and whose parent exits at once (a double fork):
 * it is reparented to init (or a subreaper), so nothing in /proc leads back to the command.
 */
const ORPHAN = "( setsid sh -c 'echo $$ > escaped.pid; exec sleep 1000' & ); sleep 1000";

/** The cgroup v2 path of a process, from the `0::` line of /proc/PID/cgroup. */
function cgroupOf(pid: number): string | undefined {
  return /^0::(.*)$/m.exec(readFileSync(`/proc/${pid}/cgroup`, 'utf8'))?.[1];
}

describe('runShellCommand: the whole tree of a command that times out', () => {
  for (const useCgroup of [true, false]) {
    const how = useCgroup ? 'with a cgroup' : 'by the process tree alone';
    it(`kills a grandchild that called setsid (${how})`, hangGuard, async () => {
      const cwd = makeTempDir();
      const running = runShellCommand(optionsFor(SETSID_GRANDCHILD, { cwd, timeoutMs: 400, useCgroup }));
      const escaped = await readPidFile(join(cwd, 'escaped.pid'));
      killProcessOnCleanup(escaped);
      const start = readProcStat(escaped)?.startTime;
      assert.notEqual(
        readProcStat(escaped)?.session,
        readProcStat(process.pid)?.session,
        'precondition: it left the session',
      );

      const result = await running;
      assert.equal(result.timedOut, true);
      assert.ok(isGone(escaped, start), 'the grandchild in its own session is gone');
      assert.equal(result.treeStop?.survivors.length, 0);
      assert.ok((result.treeStop?.signalled ?? 0) >= 2, `signalled ${result.treeStop?.signalled}`);
      if (useCgroup && findOwnCgroupFolder() !== undefined)
        assert.equal(result.treeStop?.mechanism, 'cgroup and process tree');
      if (!useCgroup)
        assert.deepEqual([result.treeStop?.mechanism, result.treeStop?.noCgroup], ['process tree', 'not asked for']);
    });
  }

  it('kills a double-forked descendant reparented to init through the cgroup', hangGuard, async (t) => {
    if (findOwnCgroupFolder() === undefined) {
      t.skip('no cgroup2 file system: the process tree alone cannot see an orphan (see docs/process-trees.md)');
      return;
    }
    const cwd = makeTempDir();
    const running = runShellCommand(optionsFor(ORPHAN, { cwd, timeoutMs: 400 }));
    const orphan = await readPidFile(join(cwd, 'escaped.pid'));
    killProcessOnCleanup(orphan);
    const start = readProcStat(orphan)?.startTime;
    const result = await running;
    assert.equal(result.treeStop?.mechanism, 'cgroup and process tree', 'precondition: the command ran in a cgroup');
    assert.notEqual(readProcStat(orphan)?.ppid, result.pid);
    assert.ok(isGone(orphan, start), 'the orphan is gone');
  });

  it('cannot see a double-forked orphan without a cgroup, as docs/process-trees.md says', hangGuard, async () => {
    const cwd = makeTempDir();
    const running = runShellCommand(optionsFor(ORPHAN, { cwd, timeoutMs: 400, useCgroup: false }));
    const orphan = await readPidFile(join(cwd, 'escaped.pid'));
    killProcessOnCleanup(orphan);
    const start = readProcStat(orphan)?.startTime;
    const result = await running;
    assert.equal(result.timedOut, true);
    assert.equal(isGone(orphan, start), false, 'the orphan lives: nothing in /proc leads back to the command');
  });

  it(
    "lets a daemon left by a command that exited on its own live, back in the watchdog's cgroup",
    hangGuard,
    async () => {
      const cwd = makeTempDir();
      const result = await runShellCommand(
        optionsFor("setsid sh -c 'echo $$ > daemon.pid; exec sleep 1000' > /dev/null 2>&1 & sleep 0.2", { cwd }),
      );
      const daemon = await readPidFile(join(cwd, 'daemon.pid'));
      killProcessOnCleanup(daemon);
      assert.equal(result.exitCode, 0);
      assert.equal(isGone(daemon), false, 'it lives');
      assert.equal(
        cgroupOf(daemon),
        cgroupOf(process.pid),
        "it is where it would have been without the command's cgroup",
      );
    },
  );
});
