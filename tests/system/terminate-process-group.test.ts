import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { terminateProcessGroup } from '../../src/system/terminate-process-group.js';

/** A system error as `process.kill` throws it. */
function systemError(code: string): Error {
  return Object.assign(new Error(`kill ${code}`), { code });
}

/**
 * A fake group: `kill` records each signal and may throw; the group lists `members`
 * until the signal named by `goneAfter` arrives, then `leftAfterKill`.
 */
function fakeGroup(options: { members?: number[]; goneAfter?: NodeJS.Signals; leftAfterKill?: number[]; throwOn?: Partial<Record<NodeJS.Signals, string>> }) {
  const sent: [number, NodeJS.Signals][] = [];
  let members = options.members ?? [4000, 4001];
  return {
    sent,
    kill(pid: number, signal: NodeJS.Signals): void {
      sent.push([pid, signal]);
      const code = options.throwOn?.[signal];
      if (code !== undefined) throw systemError(code);
      if (signal === options.goneAfter) members = [];
      if (signal === 'SIGKILL' && options.leftAfterKill !== undefined) members = options.leftAfterKill;
    },
    listGroup: (pgid: number): number[] => {
      assert.equal(pgid, 4000);
      return members;
    },
  };
}

const fast = { pollIntervalMs: 1, giveUpAfterMs: 50 };

describe('terminateProcessGroup', () => {
  it('refuses a group that is not a positive PID above 1, before signalling anything', async () => {
    for (const pgid of [1, 0, -1, -4000, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const group = fakeGroup({});
      await assert.rejects(terminateProcessGroup(pgid, { killGraceMs: 0, ...group, ...fast }), RangeError, String(pgid));
      assert.deepEqual(group.sent, []);
    }
  });

  it('stops at SIGTERM when the group goes within the grace', async () => {
    const group = fakeGroup({ goneAfter: 'SIGTERM' });
    assert.deepEqual(await terminateProcessGroup(4000, { killGraceMs: 1000, ...group, ...fast }), { killed: false, survivors: [] });
    assert.deepEqual(group.sent, [[-4000, 'SIGTERM']]);
  });

  it('sends SIGKILL to what is left after the grace, and waits for it to go', async () => {
    const group = fakeGroup({ goneAfter: 'SIGKILL' });
    assert.deepEqual(await terminateProcessGroup(4000, { killGraceMs: 10, ...group, ...fast }), { killed: true, survivors: [] });
    assert.deepEqual(group.sent, [
      [-4000, 'SIGTERM'],
      [-4000, 'SIGKILL'],
    ]);
  });

  it('reports the members SIGKILL could not finish once it gives up', async () => {
    const group = fakeGroup({ leftAfterKill: [4001] });
    assert.deepEqual(await terminateProcessGroup(4000, { killGraceMs: 0, ...group, ...fast }), { killed: true, survivors: [4001] });
  });

  it('takes ESRCH as a group already gone', async () => {
    const atTerm = fakeGroup({ throwOn: { SIGTERM: 'ESRCH' } });
    assert.deepEqual(await terminateProcessGroup(4000, { killGraceMs: 0, ...atTerm, ...fast }), { killed: false, survivors: [] });
    assert.deepEqual(atTerm.sent, [[-4000, 'SIGTERM']]);

    const atKill = fakeGroup({ throwOn: { SIGKILL: 'ESRCH' } });
    assert.deepEqual(await terminateProcessGroup(4000, { killGraceMs: 0, ...atKill, ...fast }), { killed: false, survivors: [] });
  });

  it('reports the members it may not signal (EPERM) without waiting for them', async () => {
    const group = fakeGroup({ members: [4000], throwOn: { SIGTERM: 'EPERM' } });
    assert.deepEqual(await terminateProcessGroup(4000, { killGraceMs: 60_000, ...group, ...fast }), { killed: false, survivors: [4000] });
  });

  it('rethrows any other kill error', async () => {
    const group = fakeGroup({ throwOn: { SIGTERM: 'EINVAL' } });
    await assert.rejects(terminateProcessGroup(4000, { killGraceMs: 0, ...group, ...fast }), { code: 'EINVAL' });
  });
});
