import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProcStat } from '../../src/system/proc-stat.js';
import { terminateProcessTree } from '../../src/system/terminate-process-tree.js';

/**
 * A fake machine: a process table the kill function changes as the kernel would (SIGSTOP
 * stops, SIGCONT resumes, a fatal signal ends a process unless it ignores it), and a log
 * of every signal sent.
 */
function fakeMachine(rows: ProcStat[], options: { ignoresTerm?: number[] } = {}) {
  const table = new Map(rows.map((row) => [row.pid, { ...row }]));
  const sent: [number, NodeJS.Signals][] = [];
  const cgroupCalls: string[] = [];
  return {
    sent,
    cgroupCalls,
    table,
    access: {
      readTable: () => [...table.values()].map((row) => ({ ...row })),
      kill: (pid: number, signal: NodeJS.Signals) => {
        sent.push([pid, signal]);
        const row = table.get(pid);
        if (row === undefined) throw Object.assign(new Error('ESRCH'), { code: 'ESRCH' });
        if (signal === 'SIGSTOP') row.state = 'T';
        if (signal === 'SIGCONT') row.state = 'S';
        if (signal === 'SIGKILL' || (signal === 'SIGTERM' && !(options.ignoresTerm ?? []).includes(pid)))
          table.delete(pid);
      },
    },
  };
}

function row(pid: number, ppid: number, session: number, startTime: number): ProcStat {
  return { pid, ppid, pgrp: session, session, startTime, state: 'S' };
}

const fast = { pollIntervalMs: 1, giveUpAfterMs: 50 };
const root = { pid: 100, startTime: 50 };

describe('terminateProcessTree', () => {
  it('stops the whole tree before it signals any of it, then SIGTERM and SIGCONT to each', async () => {
    const machine = fakeMachine([
      row(1, 0, 1, 1),
      row(100, 90, 100, 50),
      row(101, 100, 101, 51),
      row(102, 101, 102, 52),
      row(200, 1, 200, 60),
    ]);
    const result = await terminateProcessTree(root, { killGraceMs: 100, access: machine.access, ...fast });
    assert.deepEqual(result, { killed: false, signalled: 3, survivors: [] });
    const bySignal = (signal: string) =>
      machine.sent
        .filter(([, sent]) => sent === signal)
        .map(([pid]) => pid)
        .sort();
    assert.deepEqual(bySignal('SIGSTOP'), [100, 101, 102]);
    assert.deepEqual(bySignal('SIGTERM'), [100, 101, 102]);
    const lastStop = machine.sent.findLastIndex(([, signal]) => signal === 'SIGSTOP');
    const firstTerm = machine.sent.findIndex(([, signal]) => signal === 'SIGTERM');
    assert.ok(lastStop < firstTerm, 'all stopped first');
    assert.ok(
      machine.sent.every(([pid]) => pid !== 200 && pid !== 1),
      'nothing outside the tree',
    );
  });

  it('SIGKILLs what ignores SIGTERM after the grace', async () => {
    const machine = fakeMachine([row(100, 90, 100, 50), row(101, 100, 101, 51)], { ignoresTerm: [101] });
    const result = await terminateProcessTree(root, { killGraceMs: 10, access: machine.access, ...fast });
    assert.deepEqual(result, { killed: true, signalled: 2, survivors: [] });
    assert.deepEqual(
      machine.sent.filter(([, signal]) => signal === 'SIGKILL'),
      [[101, 'SIGKILL']],
    );
  });

  it('never signals a PID of the tree that another process took since (its start time differs)', async () => {
    const machine = fakeMachine([row(100, 90, 100, 50), row(101, 100, 101, 51)], { ignoresTerm: [101] });
    const { access } = machine;
    let swappedAt: number | undefined;
    const readTable = () => {
      // Once the tree runs again (SIGCONT), 101 ends and its PID goes to a stranger of another session.
      if (swappedAt === undefined && machine.sent.some(([, signal]) => signal === 'SIGCONT')) {
        swappedAt = machine.sent.length;
        machine.table.set(101, row(101, 1, 101, 999));
      }
      return access.readTable();
    };
    await terminateProcessTree(root, { killGraceMs: 10, access: { ...access, readTable }, ...fast });
    assert.ok(swappedAt !== undefined, 'precondition: the PID was taken over');
    const afterSwap = machine.sent.slice(swappedAt);
    assert.deepEqual(
      afterSwap.filter(([pid]) => pid === 101),
      [],
      `the stranger got no signal: ${JSON.stringify(afterSwap)}`,
    );
  });

  it('freezes the cgroup, thaws it after SIGTERM, and uses cgroup.kill for what is left', async () => {
    const machine = fakeMachine([row(100, 90, 100, 50), row(300, 1, 300, 70)], { ignoresTerm: [300] });
    const cgroup = {
      members: () => (machine.table.has(300) ? [300] : []),
      freeze: (frozen: boolean) => machine.cgroupCalls.push(frozen ? 'freeze' : 'thaw'),
      kill: () => {
        machine.cgroupCalls.push('kill');
        machine.table.delete(300);
      },
    };
    const result = await terminateProcessTree(root, { killGraceMs: 10, cgroup, access: machine.access, ...fast });
    assert.deepEqual(machine.cgroupCalls, ['freeze', 'thaw', 'freeze', 'kill', 'thaw']);
    assert.deepEqual(result, { killed: true, signalled: 2, survivors: [] });
    assert.ok(
      machine.sent.some(([pid, signal]) => pid === 300 && signal === 'SIGTERM'),
      'the orphan in the cgroup got SIGTERM too',
    );
  });

  it('resumes the stopped tree and thaws the cgroup when the stop is cut short (an abort, an error)', async () => {
    const machine = fakeMachine([row(100, 90, 100, 50), row(101, 100, 101, 51)]);
    const cgroup = {
      members: () => [],
      freeze: (frozen: boolean) => machine.cgroupCalls.push(frozen ? 'freeze' : 'thaw'),
      kill: () => undefined,
    };
    const kill = (pid: number, signal: NodeJS.Signals): void => {
      if (signal === 'SIGTERM') throw new Error('aborted');
      machine.access.kill(pid, signal);
    };
    await assert.rejects(
      terminateProcessTree(root, { killGraceMs: 10, cgroup, access: { ...machine.access, kill }, ...fast }),
      /aborted/,
    );
    assert.deepEqual(
      [...machine.table.values()].map((entry) => `${entry.pid} ${entry.state}`),
      ['100 S', '101 S'],
      'none left stopped',
    );
    assert.deepEqual(machine.cgroupCalls, ['freeze', 'thaw']);
  });

  it('writes the tree down before each SIGSTOP and clears it once the tree runs again', async () => {
    const machine = fakeMachine([row(100, 90, 100, 50), row(101, 100, 101, 51)], { ignoresTerm: [101] });
    const log: string[] = [];
    const kill = (pid: number, signal: NodeJS.Signals): void => {
      log.push(`${signal} ${pid}`);
      machine.access.kill(pid, signal);
    };
    const stoppedRecord = {
      save: (processes: readonly { pid: number; startTime: number }[]) =>
        log.push(`save ${processes.map((entry) => `${entry.pid}@${entry.startTime}`).join(',')}`),
      clear: () => log.push('clear'),
    };
    await terminateProcessTree(root, { killGraceMs: 10, stoppedRecord, access: { ...machine.access, kill }, ...fast });
    const firstStop = log.findIndex((line) => line.startsWith('SIGSTOP'));
    assert.match(log[firstStop - 1] ?? '', /^save 100@50/, 'saved before the first SIGSTOP');
    assert.equal(log.at(-1), 'clear', 'cleared last, after SIGCONT');
  });

  it("never signals the watchdog's ancestors, even when its cgroup lists them (a cgroup a user could write)", async () => {
    // 80: the user's shell, parent of the watchdog (90); a user moved it into the command's cgroup.
    const machine = fakeMachine([row(80, 1, 80, 10), row(90, 80, 80, 40), row(100, 90, 100, 50)]);
    const cgroup = {
      members: () => (machine.table.has(80) ? [80] : []),
      freeze: () => undefined,
      kill: () => undefined,
    };
    await terminateProcessTree(root, { killGraceMs: 10, cgroup, access: { ...machine.access, ownPid: 90 }, ...fast });
    assert.deepEqual(
      machine.sent.filter(([pid]) => pid === 80 || pid === 90),
      [],
      JSON.stringify(machine.sent),
    );
  });

  it('refuses a root that is not a PID above 1', async () => {
    for (const pid of [1, 0, -1, 1.5, Number.NaN]) {
      await assert.rejects(
        terminateProcessTree(
          { pid, startTime: 1 },
          { killGraceMs: 0, access: { readTable: () => [], kill: () => assert.fail('signalled') } },
        ),
        RangeError,
      );
    }
  });
});
