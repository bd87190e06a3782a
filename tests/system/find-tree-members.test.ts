import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findTreeMembers } from '../../src/system/find-tree-members.js';
import type { ProcStat } from '../../src/system/proc-stat.js';

/** A table row: pid, ppid, group, session, start time, state (S unless given). */
function row(pid: number, ppid: number, pgrp: number, session: number, startTime: number, state = 'S'): ProcStat {
  return { pid, ppid, pgrp, session, startTime, state };
}

const root = { pid: 100, startTime: 50 };
const known = new Map([[100, 50]]);
/** init, the watchdog (its own session), and the command's shell. */
const base = [row(1, 0, 1, 1, 1), row(90, 1, 90, 90, 40), row(100, 90, 100, 100, 50)];

const cases: [name: string, table: ProcStat[], expected: number[]][] = [
  ['a child', [...base, row(101, 100, 100, 100, 51)], [101]],
  ['a grandchild that called setsid', [...base, row(101, 100, 100, 100, 51), row(102, 101, 102, 102, 52)], [101, 102]],
  [
    'a grandchild listed before its parent',
    [...base, row(102, 101, 102, 102, 52), row(101, 100, 100, 100, 51)],
    [101, 102],
  ],
  ['a member of the session whose parent died (reparented to init)', [...base, row(103, 1, 103, 100, 53)], [103]],
  ['a member of the group whose parent died', [...base, row(104, 1, 100, 100, 54)], [104]],
  ['an orphan that left the session: invisible', [...base, row(105, 1, 105, 105, 55)], []],
  ['a zombie child: nothing to stop', [...base, row(106, 100, 100, 100, 56, 'Z')], []],
  [
    'a child of a member that is older than that member: not its child (a reused PID)',
    [...base, row(101, 100, 100, 100, 51), row(107, 101, 107, 107, 30)],
    [101],
  ],
  ['the watchdog and init are never members', base, []],
  ["a session member older than the root: not the root's", [...base, row(108, 1, 108, 100, 20)], []],
];

describe('findTreeMembers', () => {
  for (const [name, table, expected] of cases) {
    it(name, () => {
      assert.deepEqual(
        findTreeMembers(root, known, table)
          .map((member) => member.pid)
          .sort((a, b) => a - b),
        expected,
      );
    });
  }

  it("stops matching by session once the root's PID names another process", () => {
    const table = [row(1, 0, 1, 1, 1), row(100, 1, 100, 100, 900), row(109, 100, 100, 100, 901)];
    // 109 is the child of the new process 100 (born after it), and 100 is not the root any more.
    assert.deepEqual(findTreeMembers(root, new Map([[100, 50]]), table), []);
  });

  it("stops matching by session once the root is reaped and no member carries its session ID (a stranger's new session)", () => {
    // The root 100 is gone; a stranger took PID 100, called setsid, forked 110 and exited.
    const table = [row(1, 0, 1, 1, 1), row(90, 1, 90, 90, 40), row(110, 1, 110, 100, 900)];
    assert.deepEqual(findTreeMembers(root, new Map([[100, 50]]), table), []);
  });

  it("still matches by session once the root is reaped while a known member carries the root's session ID", () => {
    const table = [row(1, 0, 1, 1, 1), row(101, 1, 101, 100, 51), row(111, 1, 111, 100, 60)];
    assert.deepEqual(
      findTreeMembers(
        root,
        new Map([
          [100, 50],
          [101, 51],
        ]),
        table,
      ),
      [{ pid: 111, startTime: 60 }],
    );
  });

  it('matches by session once the root is reaped, when told so, what was born before it was reaped', () => {
    // A probe's shell 100 exited and was reaped by tick 70; 112 (its background child) and 113 (in its group) are left.
    const table = [row(1, 0, 1, 1, 1), row(90, 1, 90, 90, 40), row(112, 1, 112, 100, 60), row(113, 1, 100, 113, 65)];
    const found = (reapedBy: number | undefined) =>
      findTreeMembers(root, known, table, { rootReapedByTicks: reapedBy }).map((member) => member.pid);
    assert.deepEqual(found(70), [112, 113]);
    assert.deepEqual(found(undefined), [], 'not without being told the root was reaped');
    // A stranger took PID 100 after the reaping, called setsid, forked 112 and 113 and exited: born after.
    assert.deepEqual(found(59), []);
  });

  it('does not match by session after the reaping while a process has the root PID (a stranger took it)', () => {
    const table = [row(1, 0, 1, 1, 1), row(100, 1, 100, 100, 69), row(112, 1, 112, 100, 60)];
    assert.deepEqual(findTreeMembers(root, known, table, { rootReapedByTicks: 70 }), []);
  });

  it('does not match by session when the member carrying the ID is a process that reused its PID', () => {
    const table = [row(1, 0, 1, 1, 1), row(101, 1, 101, 100, 700), row(111, 1, 111, 100, 800)];
    assert.deepEqual(
      findTreeMembers(
        root,
        new Map([
          [100, 50],
          [101, 51],
        ]),
        table,
      ),
      [],
    );
  });

  it('does not return what it already knows', () => {
    const table = [...base, row(101, 100, 100, 100, 51)];
    assert.deepEqual(
      findTreeMembers(
        root,
        new Map([
          [100, 50],
          [101, 51],
        ]),
        table,
      ),
      [],
    );
  });
});
