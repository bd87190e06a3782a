import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { WatchdogError } from '../../src/errors.js';
import { tryAcquireTickLock } from '../../src/lock/tick-lock.js';
import { holdLockInChild } from '../helpers/hold-lock.js';
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

  it("refuses a lock folder owned by another user, or below a folder every user can write to", async () => {
    const dir = makeTempDir();
    const theirs = join(dir, 'theirs');
    mkdirSync(theirs, { mode: 0o755 });
    chownSync(theirs, 65534, 65534);
    await assert.rejects(tryAcquireTickLock(join(theirs, 'watchdog.lock'), { onCompromised: noCompromise }), isUnusable(/belongs to user 65534/));

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
    await assert.rejects(tryAcquireTickLock(join(open, 'watchdog.lock'), { onCompromised: noCompromise }), isUnusable(/its folder .*open is writable by group or others \(mode 1777\)/));
    assert.equal(existsSync(join(open, 'watchdog.lock')), false);
  });

  it('refuses a lock path taken by a regular file (such as the Python Watchdog lock file)', async () => {
    const lockPath = join(makeTempDir(), 'watchdog.lock');
    writeFileSync(lockPath, '');
    await assert.rejects(tryAcquireTickLock(lockPath, { onCompromised: noCompromise }), isUnusable(/not a lock directory/));
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
