import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { WatchdogError } from '../../src/errors.js';
import { tryAcquireTickLock } from '../../src/lock/tick-lock.js';
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
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `require('proper-lockfile').lock(process.argv[1], { lockfilePath: process.argv[1], realpath: false, stale: 30000 })
          .then(() => { console.log('locked'); setTimeout(() => {}, 60000); });`,
        lockPath,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const [chunk] = (await once(holder.stdout, 'data')) as [Buffer];
      assert.equal(chunk.toString().trim(), 'locked');
      assert.equal(await tryAcquireTickLock(lockPath, { onCompromised: noCompromise }), undefined);
    } finally {
      holder.kill('SIGKILL');
      await once(holder, 'exit');
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

  it('refuses a lock in a folder every user can write to', async () => {
    const open = join(makeTempDir(), 'open');
    mkdirSync(open);
    chmodSync(open, 0o1777);
    await assert.rejects(tryAcquireTickLock(join(open, 'watchdog.lock'), { onCompromised: noCompromise }), isUnusable(/writable by every user/));
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
