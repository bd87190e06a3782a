// FolderCache keeps the folders a tick reaches, so heartbeats sharing one reach it once.
import assert from 'node:assert/strict';
import {
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FolderCache } from '../../src/system/folder-cache.js';
import { openFileSafely, reachFolder } from '../../src/system/open-file-safely.js';
import { TEST_TRUST } from '../helpers/hostile-files.js';
import { makeTempDir } from '../helpers/temp-dir.js';

describe('FolderCache', () => {
  it('reaches a folder once, and keeps reading the folder it reached when its name is taken by another', () => {
    const dir = makeTempDir('watchdog-folder-cache-');
    mkdirSync(join(dir, 'hb'));
    writeFileSync(join(dir, 'hb', 'a.json'), 'first');
    const folders = new FolderCache();
    let reached = 0;
    const countingReach: typeof reachFolder = (path, options) => {
      reached += 1;
      return reachFolder(path, options);
    };
    const read = (name: string): string => {
      const { folder, release } = folders.get(join(dir, 'hb'), { trust: TEST_TRUST }, countingReach);
      try {
        const fd = openFileSafely(join(folder.path, name), { flags: constants.O_RDONLY, trust: TEST_TRUST });
        closeSync(fd);
        return readFileSync(`/proc/self/fd/${folder.fd}/${name}`, 'utf8');
      } finally {
        release();
      }
    };
    assert.equal(read('a.json'), 'first');
    renameSync(join(dir, 'hb'), join(dir, 'old'));
    mkdirSync(join(dir, 'hb'));
    writeFileSync(join(dir, 'hb', 'a.json'), 'second');
    assert.equal(read('a.json'), 'first', 'the folder first reached');
    assert.equal(reached, 1);
    folders.close();
  });

  it('keeps at most 64 folders open and closes the rest after use, and all of them on close', () => {
    const dir = makeTempDir('watchdog-folder-cache-');
    const folders = new FolderCache();
    const fds: number[] = [];
    // Counts only descriptors on this test's folders: the process's other descriptors come
    // and go with whatever else runs in it (a total count failed once, 63 for 64).
    const openCount = (): number =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`).startsWith(`${dir}/`);
        } catch {
          return false;
        }
      }).length;
    const before = openCount();
    for (let index = 0; index < 70; index += 1) {
      mkdirSync(join(dir, `f${index}`));
      const { folder, release } = folders.get(join(dir, `f${index}`), { trust: TEST_TRUST }, reachFolder);
      release();
      fds.push(folder.fd);
    }
    const open = (fd: number): boolean => {
      try {
        fstatSync(fd);
        return true;
      } catch {
        return false;
      }
    };
    assert.equal(fds.slice(0, 64).every(open), true, 'the first 64 kept');
    assert.equal(openCount() - before, 64, 'the other 6 closed once used');
    folders.close();
    assert.equal(openCount(), before);
    assert.equal(fds.slice(0, 64).some(open), false, 'closed with the cache');
  });
});
