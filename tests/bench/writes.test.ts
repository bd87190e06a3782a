import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseTrace, placeOf, readMounts, straceStatus, tracedRun, writeIoPreload } from '../../bench/writes.mjs';
import { onCleanup } from '../helpers/cleanup.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const MOUNTS = [
  { point: '/dev/shm', type: 'tmpfs' },
  { point: '/proc', type: 'proc' },
  { point: '/dev', type: 'devtmpfs' },
  { point: '/', type: 'ext4' },
];

describe('parseTrace', () => {
  it('sums the bytes each write returned and counts the syncs, by path', () => {
    const paths = parseTrace(
      [
        '101 write(3</data/a.db-wal>, ""..., 4096) = 4096',
        '101 pwrite64(3</data/a.db-wal>, ""..., 100, 4096) = 100',
        '101 write(4<pipe:[77]>, ""..., 1) = 1',
        '101 fsync(3</data/a.db-wal>) = 0',
        '101 fdatasync(5</data>) = 0',
        '101 write(6</data/full>, ""..., 10) = -1 ENOSPC (No space left on device)',
        '101 msync(0x7f0000000000, 4096, MS_SYNC) = 0',
      ].join('\n'),
    );
    assert.deepEqual(paths.get('/data/a.db-wal'), { bytes: 4196, writes: 2, syncs: 1 });
    assert.deepEqual(paths.get('pipe:[77]'), { bytes: 1, writes: 1, syncs: 0 });
    assert.deepEqual(paths.get('/data'), { bytes: 0, writes: 0, syncs: 1 });
    assert.deepEqual(paths.get('/data/full'), { bytes: 0, writes: 0, syncs: 0 });
    assert.deepEqual(paths.get('(mmap)'), { bytes: 0, writes: 0, syncs: 1 });
  });

  it('joins a call another thread interrupted, by PID', () => {
    const paths = parseTrace(
      [
        '101 write(3</data/x>, ""..., 50 <unfinished ...>',
        '102 write(4</dev/shm/y>, ""..., 7) = 7',
        '101 <... write resumed>) = 50',
      ].join('\n'),
    );
    assert.deepEqual(paths.get('/data/x'), { bytes: 50, writes: 1, syncs: 0 });
    assert.deepEqual(paths.get('/dev/shm/y'), { bytes: 7, writes: 1, syncs: 0 });
  });

  it('counts a file removed while open by its path', () => {
    const paths = parseTrace('101 pwrite64(23</var/tmp/etilqs_1>(deleted), ""..., 4096, 0) = 4096');
    assert.deepEqual(paths.get('/var/tmp/etilqs_1 (deleted)'), { bytes: 4096, writes: 1, syncs: 0 });
  });
});

describe('placeOf', () => {
  it('puts a path where the longest mount point holding it is', () => {
    assert.deepEqual(placeOf('/dev/shm/x/folded', MOUNTS), { place: 'memory', type: 'tmpfs' });
    assert.deepEqual(placeOf('/dev/null', MOUNTS), { place: 'other', type: 'devtmpfs' });
    assert.deepEqual(placeOf('/proc/self/io', MOUNTS), { place: 'other', type: 'proc' });
    assert.deepEqual(placeOf('/dev/shmother/x', MOUNTS), { place: 'other', type: 'devtmpfs' });
    assert.deepEqual(placeOf('/tmp/a.db (deleted)', MOUNTS), { place: 'storage', type: 'ext4' });
    assert.deepEqual(placeOf('pipe:[12]', MOUNTS), { place: 'other', type: 'pipe' });
  });

  it("reads this machine's mounts: / is on one", () => {
    assert.ok(readMounts().some(({ point }) => point === '/'));
  });
});

/** tmpfs's magic number (statfs): the split means something only when the temporary folder is on a disk. */
const TMPFS_MAGIC = 0x01021994;

describe('tracedRun', () => {
  const status = straceStatus();
  const skip =
    status.missing ??
    (!existsSync('/dev/shm')
      ? 'no /dev/shm'
      : statfsSync(tmpdir()).type === TMPFS_MAGIC
        ? 'the temporary folder is on a tmpfs'
        : false);
  it('splits what a real process writes between the disk and a tmpfs, and counts its syncs', { skip }, () => {
    const work = makeTempDir();
    const shm = mkdtempSync('/dev/shm/watchdog-test-');
    onCleanup(() => rmSync(shm, { recursive: true, force: true }));
    const preload = join(work, 'io.mjs');
    writeIoPreload(preload);
    const script = `
      const { openSync, writeSync, fsyncSync, closeSync } = require('node:fs');
      const disk = openSync(${JSON.stringify(join(work, 'disk.bin'))}, 'w');
      writeSync(disk, Buffer.alloc(5000));
      fsyncSync(disk);
      closeSync(disk);
      const memory = openSync(${JSON.stringify(join(shm, 'memory.bin'))}, 'w');
      writeSync(memory, Buffer.alloc(300));
      closeSync(memory);
    `;
    const tick = tracedRun(['-e', script], { env: process.env, work, mounts: readMounts(), ioPreload: preload });
    assert.equal(tick.storage, 5000);
    assert.equal(tick.memory, 300);
    assert.equal(tick.syncs, 1);
    assert.equal(tick.storageSyncs, 1);
    assert.ok(tick.io.wchar >= 5300, `wchar ${tick.io.wchar}`);
  });
});
