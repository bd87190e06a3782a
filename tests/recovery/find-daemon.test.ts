import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findDaemon, judgeDaemonPid, type DaemonFacts, type DaemonRules } from '../../src/recovery/find-daemon.js';
import { FAKE_BOOT_ID, FAKE_BOOT_MS, FAKE_NOW_MS, fakeSystem } from '../helpers/fake-system.js';

const APP_USER = { name: 'app', uid: 1000, gid: 1000, home: '/home/app' };
const RULES: DaemonRules = { notBeforeTicks: 5000, user: undefined, ownPid: 100, ancestors: new Set([50, 60]) };
const LIVE: DaemonFacts = { liveness: 'alive', startTicks: 5001, uids: { real: 1000, effective: 1000 } };

describe('judgeDaemonPid', () => {
  const cases: [name: string, pid: number, facts: DaemonFacts, rules: DaemonRules, taken: boolean | RegExp][] = [
    ['a live process started after the start command', 4000, LIVE, RULES, true],
    ['one tick early (the boot clock is read rounded)', 4000, { ...LIVE, startTicks: 4999 }, RULES, true],
    [
      'a stranger started before the start command',
      4000,
      { ...LIVE, startTicks: 1200 },
      RULES,
      /started before the start command/,
    ],
    ['-1', -1, LIVE, RULES, /never taken/],
    ['0', 0, LIVE, RULES, /never taken/],
    ['1 (init)', 1, LIVE, RULES, /never taken/],
    ['a zombie', 4000, { ...LIVE, liveness: 'zombie' }, RULES, /zombie/],
    ['a thread', 4000, { ...LIVE, liveness: 'thread' }, RULES, /thread/],
    ['a dead PID', 4000, { ...LIVE, liveness: 'dead' }, RULES, /not running/],
    ['the watchdog itself', 100, LIVE, RULES, /the watchdog/],
    ['an ancestor of the watchdog', 60, LIVE, RULES, /ancestors/],
    ['the app user set, the process runs as it', 4000, LIVE, { ...RULES, user: APP_USER }, true],
    [
      'the app user set, the process runs as root',
      4000,
      { ...LIVE, uids: { real: 0, effective: 0 } },
      { ...RULES, user: APP_USER },
      /runs as uid 0, not as app/,
    ],
    [
      'a set-user-ID process (real and effective uids differ)',
      4000,
      { ...LIVE, uids: { real: 1000, effective: 0 } },
      RULES,
      /set-user-ID/,
    ],
    [
      'no user, from a PID file the app user owns, a root process',
      4000,
      { ...LIVE, uids: { real: 0, effective: 0 } },
      { ...RULES, fileOwnerUid: 1000 },
      /runs as uid 0, not as uid 1000 that owns the PID file/,
    ],
    [
      'no user, from a PID file the app user owns, a process of that user',
      4000,
      LIVE,
      { ...RULES, fileOwnerUid: 1000 },
      true,
    ],
    [
      'no user, from a PID file root owns, a root process',
      4000,
      { ...LIVE, uids: { real: 0, effective: 0 } },
      { ...RULES, fileOwnerUid: 0 },
      true,
    ],
    [
      "the start command's own PID (it exited: another process took it)",
      6000,
      LIVE,
      { ...RULES, starterPid: 6000 },
      /the start command's, which has exited/,
    ],
    ['no readable start time', 4000, { ...LIVE, startTicks: undefined }, RULES, /no readable start time/],
  ];
  for (const [name, pid, facts, rules, taken] of cases) {
    it(`${name} → ${taken === true ? 'taken' : 'not taken'}`, () => {
      const verdict = judgeDaemonPid(pid, facts, rules);
      if (taken === true) assert.deepEqual(verdict, { ok: true });
      else assert.ok(!verdict.ok && taken instanceof RegExp && taken.test(verdict.why), JSON.stringify(verdict));
    });
  }
});

/** The fake boot clock at FAKE_NOW_MS, in ticks: processes started after the start have more. */
const NOW_TICKS = ((FAKE_NOW_MS - FAKE_BOOT_MS) / 1000) * 100;
const UPTIME = (FAKE_NOW_MS - FAKE_BOOT_MS) / 1000;
/** The start command ran at UPTIME and its exit was seen 0.5 s (50 ticks) later. */
const search = {
  pidFile: '/run/app/app.pid',
  starterPid: 6000,
  startedUptimeSeconds: UPTIME,
  exitedUptimeSeconds: UPTIME + 0.5,
  user: undefined,
  waitMs: 200,
};

describe('findDaemon', () => {
  it('takes the live daemon the PID file names, with its identity', async () => {
    const system = fakeSystem({
      processes: [{ pid: 7000, startTime: NOW_TICKS + 3 }],
      pidFile: () => ({ kind: 'pid', pid: 7000, ownerUid: 0 }),
    });
    const found = await findDaemon(search, system);
    assert.deepEqual(found.daemon, { pid: 7000, startTicks: NOW_TICKS + 3, bootId: FAKE_BOOT_ID, foundBy: 'pid_file' });
    assert.match(found.note, /^daemon PID 7000 \(from \/run\/app\/app.pid\) recorded$/);
  });

  it('waits for a PID file the daemon writes after its parent exited', async () => {
    const system = fakeSystem({
      processes: [{ pid: 7000, startTime: NOW_TICKS + 3 }],
      pidFile: (_path, fake) =>
        fake.clockMs >= FAKE_NOW_MS + 30 ? { kind: 'pid', pid: 7000, ownerUid: 0 } : { kind: 'missing' },
    });
    assert.equal((await findDaemon(search, system)).daemon?.pid, 7000);
  });

  it('never takes a stranger the PID file names (older than the start), and says so', async () => {
    const system = fakeSystem({
      processes: [{ pid: 42, startTime: 1000 }],
      pidFile: () => ({ kind: 'pid', pid: 42, ownerUid: 0 }),
    });
    const found = await findDaemon(search, system);
    assert.equal(found.daemon, undefined);
    assert.match(
      found.note,
      /^\/run\/app\/app.pid names PID 42 started before the start command: another program, not its daemon: not taken; no daemon found/,
    );
    assert.deepEqual(system.signals, []);
  });

  it('never takes a root process a PID file owned by another user names (no user set)', async () => {
    const system = fakeSystem({
      processes: [{ pid: 7000, startTime: NOW_TICKS + 3, uid: 0 }],
      pidFile: () => ({ kind: 'pid', pid: 7000, ownerUid: 65534 }),
    });
    const found = await findDaemon(search, system);
    assert.equal(found.daemon, undefined);
    assert.match(found.note, /PID 7000 runs as uid 0, not as uid 65534 that owns the PID file/);
  });

  it('falls back on the oldest live process left in the start command session', async () => {
    const system = fakeSystem({
      processes: [
        { pid: 7001, session: 6000, pgrp: 6000, startTime: NOW_TICKS + 9 },
        { pid: 7000, session: 6000, pgrp: 7000, startTime: NOW_TICKS + 2 },
        { pid: 7002, session: 6000, pgrp: 6000, startTime: NOW_TICKS + 1, state: 'Z' },
      ],
    });
    const found = await findDaemon({ ...search, pidFile: undefined }, system);
    assert.deepEqual(found.daemon, { pid: 7000, startTicks: NOW_TICKS + 2, bootId: FAKE_BOOT_ID, foundBy: 'session' });
    assert.match(found.note, /left in the start command's session/);
  });

  it("never takes a stranger that took the start command's PID and leads a session with that ID", async () => {
    const system = fakeSystem({ processes: [{ pid: 6000, session: 6000, pgrp: 6000, startTime: NOW_TICKS + 80 }] });
    const found = await findDaemon({ ...search, pidFile: undefined }, system);
    assert.equal(found.daemon, undefined);
  });

  it("never takes a session member born after the start command's exit was seen (the session ID was reused)", async () => {
    const system = fakeSystem({
      processes: [{ pid: 7003, ppid: 1, session: 6000, pgrp: 6000, startTime: NOW_TICKS + 80 }],
    });
    const found = await findDaemon({ ...search, pidFile: undefined }, system);
    assert.equal(found.daemon, undefined);
    assert.deepEqual(system.signals, []);
  });

  it('never records a PID from reads that saw two processes (the PID reused between two reads)', async () => {
    // The daemon (start NOW_TICKS + 3) exits after its start time is read; a process of the same user takes its PID.
    const system = fakeSystem({
      processes: [{ pid: 7000, startTime: NOW_TICKS + 3, uid: 1000 }],
      pidFile: () => ({ kind: 'pid', pid: 7000, ownerUid: 1000 }),
    });
    const uids = system.processes.uids;
    system.processes.uids = (pid) => {
      system.table.set(7000, { pid: 7000, startTime: NOW_TICKS + 40, uid: 1000 });
      return uids(pid);
    };
    const found = await findDaemon({ ...search, waitMs: 0 }, system);
    assert.notDeepEqual(
      found.daemon,
      { pid: 7000, startTicks: NOW_TICKS + 3, bootId: FAKE_BOOT_ID, foundBy: 'pid_file' },
      'an identity no process ever had',
    );
  });

  it('finds nothing when the command left nothing, and suggests pid_file', async () => {
    const found = await findDaemon({ ...search, pidFile: undefined }, fakeSystem());
    assert.deepEqual(found, {
      daemon: undefined,
      note: 'no daemon found in its session (set pid_file if it detaches with setsid)',
    });
  });
});
