import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  listProcessGroup,
  parseProcStat,
  readBootTimeMs,
  readProcStat,
  startedAtMs,
} from '../../src/system/proc-stat.js';
import { killGroupOnCleanup, waitUntil } from '../helpers/owned-processes.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/** A `/proc/PID/stat` line as Linux writes it: 52 fields, start time (field 22) 8801234. */
function statLine(pid: number, comm: string, state: string, ppid: number, pgrp: number, session = pgrp): string {
  const afterSession =
    '34816 4242 4194560 120 0 0 0 3 1 0 0 20 0 1 0 8801234 9437184 512 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 2 0 0 0 0 0 0 0 0 0 0 0 0 0';
  return `${pid} (${comm}) ${state} ${ppid} ${pgrp} ${session} ${afterSession}\n`;
}

describe('parseProcStat', () => {
  it('reads the fields of a stat line', () => {
    assert.deepEqual(parseProcStat(statLine(4321, 'node', 'S', 1, 4300, 4200)), {
      pid: 4321,
      state: 'S',
      ppid: 1,
      pgrp: 4300,
      session: 4200,
      startTime: 8801234,
    });
  });

  it('reads a line as the kernel wrote it', () => {
    const line =
      '26476 (cat) R 26461 26461 25627 0 -1 4194304 101 0 0 0 0 0 0 0 20 0 1 0 376353 3133440 380 18446744073709551615 ' +
      '94732450254848 94732450274729 140723428500464 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 94732450290736 94732450292352 ' +
      '94733512454144 140723428502239 140723428502259 140723428502259 140723428503531 0\n';
    assert.deepEqual(parseProcStat(line), {
      pid: 26476,
      state: 'R',
      ppid: 26461,
      pgrp: 26461,
      session: 25627,
      startTime: 376353,
    });
  });

  // The command name is whatever the program set: spaces, parentheses, even a newline.
  for (const comm of ['(a) b) c', 'a) Z 1 1 1 (b', ') ) )', 'x\ny) R', '', 'tmux: server']) {
    it(`finds the fields after a command name ${JSON.stringify(comm)}`, () => {
      assert.deepEqual(parseProcStat(statLine(99, comm, 'T', 98, 97, 96)), {
        pid: 99,
        state: 'T',
        ppid: 98,
        pgrp: 97,
        session: 96,
        startTime: 8801234,
      });
    });
  }

  const unparsable: [why: string, text: string][] = [
    ['empty', ''],
    ['no name', '42 S 1 42 42 0'],
    ['unclosed name', '42 (app S 1 42 42 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 1 0 8801234'],
    ['no PID', '(app) S 1 42 42 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 1 0 8801234'],
    ['cut short before the start time', '42 (app) S 1 42 42 0 -1 4194560 120 0 0 0 3 1 0 0 20 0 1 0'],
    ['a state of two letters', statLine(42, 'app', 'SS', 1, 42)],
    ['a number that is not one', statLine(42, 'app', 'S', 1, 42).replace(' 1 42 ', ' 1x 42 ')],
  ];
  for (const [why, text] of unparsable) {
    it(`refuses ${why}`, () => {
      assert.throws(() => parseProcStat(text), /cannot parse a procfs stat line/);
    });
  }
});

describe('readProcStat and listProcessGroup on a fake proc root', () => {
  function fakeProc(stats: Record<string, string>): string {
    const root = makeTempDir('watchdog-proc-');
    for (const [name, text] of Object.entries(stats)) {
      mkdirSync(join(root, name));
      writeFileSync(join(root, name, 'stat'), text);
    }
    return root;
  }

  it('returns undefined for a process that is not there, and for PIDs no process can have', () => {
    const root = fakeProc({ '100': statLine(100, 'app', 'S', 1, 100) });
    mkdirSync(join(root, '200')); // gone between listing and reading: no stat file
    for (const pid of [200, 300, 0, -1, 1.5, Number.NaN]) assert.equal(readProcStat(pid, root), undefined, String(pid));
    assert.equal(readProcStat(100, root)?.pid, 100);
  });

  it('rethrows other read errors, and refuses a stat of another PID', () => {
    const root = fakeProc({ '100': statLine(101, 'app', 'S', 1, 100) });
    mkdirSync(join(root, '200', 'stat'), { recursive: true });
    assert.throws(() => readProcStat(200, root), { code: 'EISDIR' });
    assert.throws(() => readProcStat(100, root), /describes PID 101/);
  });

  it('lists the live processes of a group, leaving out zombies, dead ones, other groups and non-PID entries', () => {
    const root = fakeProc({
      '100': statLine(100, 'leader', 'S', 1, 100),
      '101': statLine(101, 'worker', 'R', 100, 100),
      '102': statLine(102, 'stopped', 'T', 100, 100),
      '103': statLine(103, 'exited', 'Z', 100, 100),
      '104': statLine(104, 'dead', 'X', 100, 100),
      '105': statLine(105, 'other group', 'S', 100, 105),
      '106': statLine(106, 'reparented', 'D', 1, 100),
    });
    mkdirSync(join(root, '107')); // exited during the scan
    mkdirSync(join(root, 'self'));
    writeFileSync(join(root, 'stat'), 'cpu  1 2 3\n');
    assert.deepEqual(
      listProcessGroup(100, root).sort((a, b) => a - b),
      [100, 101, 102, 106],
    );
    assert.deepEqual(listProcessGroup(105, root), [105]);
    assert.deepEqual(listProcessGroup(999, root), []);
    for (const pgid of [0, -1, Number.NaN]) assert.deepEqual(listProcessGroup(pgid, root), [], String(pgid));
  });
});

describe('readProcStat and listProcessGroup on the real /proc', () => {
  it('reads this process', () => {
    const stat = readProcStat(process.pid);
    assert.equal(stat?.pid, process.pid);
    assert.equal(stat?.ppid, process.ppid);
    assert.equal(stat?.state, 'R');
    assert.equal(readProcStat(process.pid)?.startTime, stat?.startTime);
  });

  it('sees a detached child lead its own session and group, alone in it, then gone once reaped', async () => {
    const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    await once(child, 'spawn');
    const pid = child.pid;
    assert.ok(pid !== undefined);
    killGroupOnCleanup(pid);
    const exited = once(child, 'exit');

    const stat = readProcStat(pid);
    assert.deepEqual(
      { ppid: stat?.ppid, pgrp: stat?.pgrp, session: stat?.session },
      { ppid: process.pid, pgrp: pid, session: pid },
    );
    assert.notEqual(readProcStat(process.pid)?.pgrp, pid);
    assert.deepEqual(listProcessGroup(pid), [pid]);

    process.kill(pid, 'SIGKILL');
    await exited;
    assert.equal(readProcStat(pid), undefined);
    assert.deepEqual(listProcessGroup(pid), []);
  });

  it('lists a shell and its children as one group, and no longer once they are killed', async () => {
    const child = spawn('/bin/sh', ['-c', 'sleep 30 & sleep 30'], { detached: true, stdio: 'ignore' });
    await once(child, 'spawn');
    const pid = child.pid;
    assert.ok(pid !== undefined);
    killGroupOnCleanup(pid);

    // Whether the shell stays (dash) or replaces itself with the last command, the group
    // holds the two sleeps and perhaps the shell.
    await waitUntil(() => listProcessGroup(pid).length >= 2, 'both sleeps have started');
    const members = listProcessGroup(pid);
    assert.ok(members.length === 2 || members.length === 3, `members: ${members.join(' ')}`);
    assert.ok(members.includes(pid));
    for (const member of members) {
      assert.equal(readProcStat(member)?.pgrp, pid);
      assert.equal(readProcStat(member)?.session, pid);
    }

    process.kill(-pid, 'SIGKILL');
    // The background sleep is reparented to init when the shell dies; until init reaps
    // it, it is a zombie, which is not a member.
    await waitUntil(() => listProcessGroup(pid).length === 0, 'the group is gone');
    for (const member of members) assert.ok(readProcStat(member) === undefined || readProcStat(member)?.state === 'Z');
  });

  it('does not list a zombie member', async () => {
    // A Node child spawns `true` in its own group, prints its PID, then blocks its event
    // loop on a synchronous read of stdin: `true` exits and stays a zombie, unreaped.
    const script = `
      const { spawn } = require('node:child_process');
      const { readSync } = require('node:fs');
      const child = spawn('true', { stdio: 'ignore' });
      process.stdout.write(child.pid + '\\n');
      readSync(0, Buffer.alloc(1), 0, 1, null);
    `;
    const parent = spawn(process.execPath, ['-e', script], { detached: true, stdio: ['pipe', 'pipe', 'inherit'] });
    await once(parent, 'spawn');
    const pgid = parent.pid;
    assert.ok(pgid !== undefined);
    killGroupOnCleanup(pgid);
    const [chunk] = (await once(parent.stdout, 'data')) as [Buffer];
    const zombie = Number(chunk.toString().trim());
    assert.ok(Number.isInteger(zombie) && zombie > 1, `bad PID line ${JSON.stringify(chunk.toString())}`);

    await waitUntil(() => readProcStat(zombie)?.state === 'Z', 'the child of the child is a zombie');
    assert.equal(readProcStat(zombie)?.pgrp, pgid);
    assert.deepEqual(listProcessGroup(pgid), [pgid]);

    const exited = once(parent, 'exit');
    parent.stdin.end('x');
    assert.deepEqual(await exited, [0, null]);
  });
});

describe('readBootTimeMs and startedAtMs', () => {
  it("date this test's own process to when it started", () => {
    const bootTimeMs = readBootTimeMs();
    assert.ok(bootTimeMs !== undefined && bootTimeMs < Date.now(), 'the machine booted in the past');
    const own = readProcStat(process.pid);
    assert.ok(own !== undefined);
    // Correctness, not speed: two ways of dating this process agree (a unit slip would be off by hours or years).
    const fromUptime = Date.now() - process.uptime() * 1000;
    assert.ok(
      Math.abs(startedAtMs(own, bootTimeMs) - fromUptime) < 30_000,
      `${startedAtMs(own, bootTimeMs)} vs ${fromUptime}`,
    );
  });

  it('reads btime from a procfs tree, and converts clock ticks at USER_HZ', () => {
    const root = makeTempDir();
    writeFileSync(join(root, 'stat'), 'cpu  1 2 3\nintr 5\nbtime 1700000000\nprocesses 9\n');
    assert.equal(readBootTimeMs(root), 1_700_000_000_000);
    assert.equal(startedAtMs({ startTime: 250 }, 1_700_000_000_000), 1_700_000_002_500);
    writeFileSync(join(root, 'stat'), 'cpu  1 2 3\n');
    assert.equal(readBootTimeMs(root), undefined);
  });
});
