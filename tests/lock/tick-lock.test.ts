import assert from 'node:assert/strict';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { WatchdogError } from '../../src/errors.js';
import { OWNER_FILE, judgeLockOwner } from '../../src/lock/lock-owner.js';
import { KERNEL_LOCK_SUFFIX, processOwnerFacts, tryAcquireTickLock } from '../../src/lock/tick-lock.js';
import { holdLockInChild, holdTickLockInChild } from '../helpers/hold-lock.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const noCompromise = (error: Error): void => assert.fail(`lock compromised: ${error.message}`);

function isUnusable(pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof WatchdogError);
    assert.equal(error.code, 'LOCK_UNUSABLE');
    assert.match(error.message, pattern);
    assert.ok(error.hint?.includes('lock_path'));
    return true;
  };
}

describe('tryAcquireTickLock', () => {
  it('takes a free lock, refuses a second holder, and frees it on release', async () => {
    const lockPath = join(makeTempDir(), 'state', 'watchdog.lock');
    const release = await tryAcquireTickLock(lockPath, { onCompromised: noCompromise });
    assert.ok(release !== undefined);
    assert.ok(existsSync(lockPath));
    assert.equal(await tryAcquireTickLock(lockPath, { onCompromised: noCompromise }), undefined);
    await release();
    await release();
    assert.equal(existsSync(lockPath), false);
    const again = await tryAcquireTickLock(lockPath, { onCompromised: noCompromise });
    assert.ok(again !== undefined);
    await again();
  });

  it('sees a lock held by another live process', async () => {
    const lockPath = join(makeTempDir(), 'watchdog.lock');
    const holder = await holdLockInChild(lockPath);
    try {
      assert.equal(await tryAcquireTickLock(lockPath, { onCompromised: noCompromise }), undefined);
    } finally {
      await holder.release();
    }
  });

  it('takes over the lock of a crashed tick once it is stale', async () => {
    const lockPath = join(makeTempDir(), 'watchdog.lock');
    mkdirSync(lockPath);
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    utimesSync(lockPath, twoMinutesAgo, twoMinutesAgo);
    const release = await tryAcquireTickLock(lockPath, { onCompromised: noCompromise });
    assert.ok(release !== undefined, 'a stale lock is taken over');
    await release();
  });

  it('takes over a lock dated in the future (the clock was set back after a tick died holding it)', async () => {
    const lockPath = join(makeTempDir(), 'watchdog.lock');
    mkdirSync(lockPath);
    const tomorrow = new Date(Date.now() + 86_400_000);
    utimesSync(lockPath, tomorrow, tomorrow);
    const release = await tryAcquireTickLock(lockPath, { onCompromised: noCompromise });
    assert.ok(release !== undefined);
    await release();
  });

  it('accepts a lock folder reached through a symbolic link', async () => {
    const dir = makeTempDir();
    mkdirSync(join(dir, 'real'), { mode: 0o755 });
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    const release = await tryAcquireTickLock(join(dir, 'link', 'watchdog.lock'), { onCompromised: noCompromise });
    assert.ok(release !== undefined);
    assert.ok(existsSync(join(dir, 'real', 'watchdog.lock')));
    await release();
  });

  it('refuses a lock folder owned by another user, or below a folder every user can write to', async () => {
    const dir = makeTempDir();
    const theirs = join(dir, 'theirs');
    mkdirSync(theirs, { mode: 0o755 });
    chownSync(theirs, 65534, 65534);
    await assert.rejects(
      tryAcquireTickLock(join(theirs, 'watchdog.lock'), { onCompromised: noCompromise }),
      isUnusable(/belongs to user 65534/),
    );

    const open = join(dir, 'open');
    mkdirSync(join(open, 'private'), { recursive: true, mode: 0o755 });
    chmodSync(open, 0o777);
    await assert.rejects(
      tryAcquireTickLock(join(open, 'private', 'watchdog.lock'), { onCompromised: noCompromise }),
      isUnusable(/the folder above it, .*open is writable by group or others \(mode 0777\)/),
    );
  });

  it('refuses a lock in a folder every user can write to', async () => {
    const open = join(makeTempDir(), 'open');
    mkdirSync(open);
    chmodSync(open, 0o1777);
    await assert.rejects(
      tryAcquireTickLock(join(open, 'watchdog.lock'), { onCompromised: noCompromise }),
      isUnusable(/its folder .*open is writable by group or others \(mode 1777\)/),
    );
    assert.equal(existsSync(join(open, 'watchdog.lock')), false);
  });

  it('refuses a lock path taken by a regular file (such as the Python Watchdog lock file)', async () => {
    const lockPath = join(makeTempDir(), 'watchdog.lock');
    writeFileSync(lockPath, '');
    await assert.rejects(
      tryAcquireTickLock(lockPath, { onCompromised: noCompromise }),
      isUnusable(/not a lock directory/),
    );
  });

  it('refuses a lock whose folder cannot be created', async () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'file'), '');
    await assert.rejects(
      tryAcquireTickLock(join(dir, 'file', 'sub', 'watchdog.lock'), { onCompromised: noCompromise }),
      isUnusable(/cannot create its folder/),
    );
  });
});

describe('tryAcquireTickLock: a lock that dies with its holder', () => {
  const ownerOf = (lockPath: string): unknown => JSON.parse(readFileSync(join(lockPath, OWNER_FILE), 'utf8'));

  it('names its holder (PID, start time, boot) in the lock directory, and keeps the kernel lock file empty', async () => {
    const lockPath = join(makeTempDir(), 'watchdog.lock');
    const release = await tryAcquireTickLock(lockPath, { onCompromised: noCompromise });
    assert.ok(release !== undefined);
    const facts = processOwnerFacts();
    assert.deepEqual(ownerOf(lockPath), {
      pid: process.pid,
      pid_start_ticks: facts.startTicksOf(process.pid),
      boot_id: facts.bootId,
    });
    assert.equal(statSync(`${lockPath}${KERNEL_LOCK_SUFFIX}`).size, 0);
    await release();
    assert.equal(existsSync(lockPath), false);
    assert.ok(
      existsSync(`${lockPath}${KERNEL_LOCK_SUFFIX}`),
      'the kernel lock file stays: removing it could make two locks',
    );
  });

  it('is never reported compromised by its own refresh, under a clock stepped forward or back', async () => {
    const lockPath = join(makeTempDir(), 'watchdog.lock');
    const compromised: string[] = [];
    const release = await tryAcquireTickLock(lockPath, {
      onCompromised: (error) => compromised.push(error.message),
      refreshMs: 1000,
    });
    assert.ok(release !== undefined);
    // Two refreshes: the first after the owner was named, the second after the mtime it set.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.deepEqual(compromised, []);
    assert.equal(
      await tryAcquireTickLock(lockPath, { onCompromised: noCompromise, nowMs: () => Date.now() + 6 * 3_600_000 }),
      undefined,
    );
    await release();
  });

  it("takes at once a lock whose holder was SIGKILLed, while the holder's child still runs", async () => {
    const lockPath = join(makeTempDir(), 'watchdog.lock');
    const holder = await holdTickLockInChild(lockPath);
    assert.equal(
      await tryAcquireTickLock(lockPath, { onCompromised: noCompromise }),
      undefined,
      'held while the holder lives',
    );
    await holder.kill();
    assert.ok(existsSync(join(lockPath, OWNER_FILE)), 'the dead holder left its directory behind');
    assert.ok(existsSync(`/proc/${holder.grandchildPid}`), "the holder's child is still running");
    const notes: string[] = [];
    const release = await tryAcquireTickLock(lockPath, {
      onCompromised: noCompromise,
      onNote: (_level, note) => notes.push(note),
    });
    assert.ok(release !== undefined, 'taken at once: the child the holder started does not hold the lock');
    assert.match(notes.join('\n'), /removed the stale lock .*no longer running/);
    await release();
  });

  it('refuses under a clock stepped hours forward or back while the holder lives', async () => {
    const lockPath = join(makeTempDir(), 'watchdog.lock');
    const holder = await holdTickLockInChild(lockPath);
    for (const stepMs of [6 * 3_600_000, -6 * 3_600_000]) {
      assert.equal(
        await tryAcquireTickLock(lockPath, { onCompromised: noCompromise, nowMs: () => Date.now() + stepMs }),
        undefined,
      );
    }
    await holder.kill();
  });

  it('refuses a directory whose named owner lives even when the kernel lock is free (its file replaced)', async () => {
    const lockPath = join(makeTempDir(), 'watchdog.lock');
    mkdirSync(lockPath);
    writeFileSync(join(lockPath, OWNER_FILE), JSON.stringify({ pid: 4242, pid_start_ticks: 77, boot_id: 'ABC-1' }));
    const facts = {
      bootId: 'abc-1',
      startTicksOf: (pid: number) => (pid === 4242 ? 77 : processOwnerFacts().startTicksOf(pid)),
    };
    assert.equal(
      await tryAcquireTickLock(lockPath, { onCompromised: noCompromise, facts }),
      undefined,
      'the same boot in another case, the same process: held',
    );
  });

  it('takes a lock left in a previous boot, or by a process whose PID was reused', async () => {
    for (const [owner, why] of [
      [
        {
          pid: process.pid,
          pid_start_ticks: processOwnerFacts().startTicksOf(process.pid),
          boot_id: '00000000-0000-0000-0000-000000000000',
        },
        /previous boot/,
      ],
      [{ pid: process.pid, pid_start_ticks: 1, boot_id: processOwnerFacts().bootId }, /PID reused/],
    ] as const) {
      const lockPath = join(makeTempDir(), 'watchdog.lock');
      mkdirSync(lockPath);
      writeFileSync(join(lockPath, OWNER_FILE), JSON.stringify(owner));
      const notes: string[] = [];
      const release = await tryAcquireTickLock(lockPath, {
        onCompromised: noCompromise,
        onNote: (_level, note) => notes.push(note),
      });
      assert.ok(release !== undefined);
      assert.match(notes.join('\n'), why);
      await release();
    }
  });

  it('judges a directory naming no owner (a previous version) by its refresh, and a fresh one as held', async () => {
    const lockPath = join(makeTempDir(), 'watchdog.lock');
    mkdirSync(lockPath);
    assert.equal(
      await tryAcquireTickLock(lockPath, { onCompromised: noCompromise }),
      undefined,
      'refreshed moments ago: held',
    );
    const release = await tryAcquireTickLock(lockPath, {
      onCompromised: noCompromise,
      nowMs: () => Date.now() + 60_000,
    });
    assert.ok(release !== undefined, 'not refreshed for a minute: stale');
    await release();
  });

  it('refuses a kernel lock path that is a symbolic link', async () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'elsewhere'), '');
    symlinkSync(join(dir, 'elsewhere'), join(dir, `watchdog.lock${KERNEL_LOCK_SUFFIX}`));
    await assert.rejects(
      tryAcquireTickLock(join(dir, 'watchdog.lock'), { onCompromised: noCompromise }),
      isUnusable(/kernel lock .*symbolic link/),
    );
  });
});

describe('judgeLockOwner', () => {
  const owner = { pid: 100, pid_start_ticks: 5000, boot_id: 'b0' };
  const cases: { name: string; bootId: string | undefined; startTicks: number | undefined; holds: boolean }[] = [
    { name: 'alive, same boot', bootId: 'b0', startTicks: 5000, holds: true },
    { name: 'alive, boot id in upper case', bootId: 'B0', startTicks: 5000, holds: true },
    { name: 'boot unknown, alive', bootId: undefined, startTicks: 5000, holds: true },
    { name: 'dead', bootId: 'b0', startTicks: undefined, holds: false },
    { name: 'PID reused', bootId: 'b0', startTicks: 5001, holds: false },
    { name: 'previous boot, PID alive with the same start time', bootId: 'b1', startTicks: 5000, holds: false },
  ];
  for (const { name, bootId, startTicks, holds } of cases) {
    it(name, () => {
      assert.equal(judgeLockOwner(owner, { bootId, startTicksOf: () => startTicks }).holds, holds);
    });
  }
});
