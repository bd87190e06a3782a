import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  closeSync,
  lchownSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  statfsSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { readFilesystem } from '../../src/system/read-filesystem.js';
import { hostileWorld, NEEDS_ROOT, OTHER_UID, ROOT, TEST_TRUST } from '../helpers/hostile-files.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/** A procfs root whose `self/mountinfo` says `point` is a mount, with these options. */
function fakeProc(point: string, mountOptions: string, superOptions: string): string {
  const proc = makeTempDir('watchdog-fake-proc-');
  mkdirSync(join(proc, 'self'));
  writeFileSync(
    join(proc, 'self', 'mountinfo'),
    [
      '21 1 8:1 / / rw,relatime shared:1 - ext4 /dev/root rw',
      `40 21 0:50 / ${point.replaceAll(' ', '\\040')} ${mountOptions} shared:9 - tmpfs tmpfs ${superOptions}`,
    ].join('\n'),
  );
  return proc;
}

describe('readFilesystem', () => {
  it('reads the size and the free space ordinary users have (bavail, not bfree)', () => {
    const dir = realpathSync(makeTempDir());
    const before = statfsSync(dir);
    const read = readFilesystem(dir, { procRoot: fakeProc(dir, 'rw', 'rw'), trust: TEST_TRUST });
    const after = statfsSync(dir);
    assert.equal(read.kind, 'read');
    if (read.kind !== 'read') return;
    assert.equal(read.figures.sizeBytes, before.blocks * before.bsize);
    const bounds = [before.bavail * before.bsize, after.bavail * after.bsize].sort((a, b) => a - b);
    assert.ok(read.figures.freeBytes >= (bounds[0] ?? 0) && read.figures.freeBytes <= (bounds[1] ?? 0));
    assert.deepEqual(
      { folder: read.figures.folder, mountPoint: read.figures.mountPoint, fsType: read.figures.fsType },
      { folder: dir, mountPoint: dir, fsType: 'tmpfs' },
    );
    assert.equal(read.figures.readOnly, false);
  });

  it('finds a folder below the mount, with a space in its name', () => {
    const base = realpathSync(makeTempDir());
    const point = join(base, 'usb disk');
    mkdirSync(join(point, 'photos'), { recursive: true });
    const read = readFilesystem(join(point, 'photos'), { procRoot: fakeProc(point, 'rw', 'rw'), trust: TEST_TRUST });
    assert.equal(read.kind === 'read' ? read.figures.mountPoint : read.reason, point);
  });

  it('is read-only when the mount is, or when only its super block is (remount-ro after errors)', () => {
    const dir = realpathSync(makeTempDir());
    for (const [mountOptions, superOptions] of [
      ['ro,relatime', 'rw'],
      ['rw,relatime', 'ro'],
    ] as const) {
      const read = readFilesystem(dir, { procRoot: fakeProc(dir, mountOptions, superOptions), trust: TEST_TRUST });
      assert.equal(read.kind === 'read' && read.figures.readOnly, true, `${mountOptions} / ${superOptions}`);
    }
  });

  it('takes the mount the descriptor is on (fdinfo mnt_id), not a longer mount point it covers', () => {
    const dir = realpathSync(makeTempDir());
    const covered = join(dir, 'covered');
    mkdirSync(covered);
    const fd = openSync(dir, 'r');
    const realId = Number(/^mnt_id:\s*(\d+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1]);
    closeSync(fd);
    const proc = makeTempDir('watchdog-fake-proc-');
    mkdirSync(join(proc, 'self'));
    // The real fdinfo, a fake mountinfo: the folder's own mount on `dir`, and a read-only one at
    // `dir/covered` listed before it, which the mount on `dir` covers (a longer path, not reached).
    symlinkSync('/proc/self/fdinfo', join(proc, 'self', 'fdinfo'));
    writeFileSync(
      join(proc, 'self', 'mountinfo'),
      [
        '21 1 8:1 / / rw,relatime shared:1 - ext4 /dev/root rw',
        `40 21 0:50 / ${covered} ro,relatime shared:9 - tmpfs inner ro`,
        `${realId} 21 0:51 / ${dir} rw,relatime shared:10 - tmpfs outer rw`,
      ].join('\n'),
    );
    const read = readFilesystem(covered, { procRoot: proc, trust: TEST_TRUST });
    assert.deepEqual(read.kind === 'read' ? [read.figures.mountPoint, read.figures.readOnly] : read, [dir, false]);
  });

  it('says whether the folder is on the root file system (the device / is on)', () => {
    const root = readFilesystem('/', { trust: TEST_TRUST });
    assert.equal(root.kind === 'read' && root.figures.rootFilesystem, true);
    const dir = makeTempDir();
    const read = readFilesystem(dir, { trust: TEST_TRUST });
    assert.equal(read.kind === 'read' && read.figures.rootFilesystem, statSync(dir).dev === statSync('/').dev);
  });

  it('says a folder that is gone, or not a folder, is unavailable: the device or the config, not the watchdog', () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'file'), '');
    assert.deepEqual(readFilesystem(join(dir, 'gone'), { trust: TEST_TRUST }), {
      kind: 'unavailable',
      reason: `${join(dir, 'gone')} does not exist`,
    });
    assert.deepEqual(readFilesystem(join(dir, 'file'), { trust: TEST_TRUST }), {
      kind: 'unavailable',
      reason: `${join(dir, 'file')} is not a folder`,
    });
  });

  it('says a mountinfo it cannot read is its own error', () => {
    const read = readFilesystem(makeTempDir(), { procRoot: makeTempDir(), trust: TEST_TRUST });
    assert.equal(read.kind, 'error');
    assert.match(read.kind === 'error' ? read.reason : '', /^the watchdog could not read its mountinfo: ENOENT/);
  });

  it("follows a link of root in root's folder, and measures where it leads", () => {
    const dir = realpathSync(makeTempDir());
    mkdirSync(join(dir, 'target'));
    symlinkSync(join(dir, 'target'), join(dir, 'link'));
    const read = readFilesystem(join(dir, 'link'), { trust: TEST_TRUST });
    assert.equal(read.kind === 'read' ? read.figures.folder : read.reason, join(dir, 'target'));
  });

  it('never follows a link another user could have planted: unavailable (counted), naming the link', NEEDS_ROOT, () => {
    assert.ok(ROOT);
    const { theirs } = hostileWorld();
    // The app's user points its folder at / (the root file system), to make the watchdog judge that instead.
    symlinkSync('/', join(theirs, 'logs'));
    lchownSync(join(theirs, 'logs'), OTHER_UID, OTHER_UID);
    const read = readFilesystem(join(theirs, 'logs'), { trust: TEST_TRUST });
    assert.equal(read.kind, 'unavailable');
    assert.match(
      read.kind === 'unavailable' ? read.reason : '',
      /cannot be checked: .*\/logs is a symbolic link in .*a folder of user 65534.*not followed/,
    );
  });

  // As a watchdog running as nobody (65534): a permission refused in another user's folder
  // (as root is refused by a FUSE mount without allow_other) is counted; in root's, it is the
  // watchdog's own trouble.
  for (const { name, owner, kind } of [
    { name: "another user's folder", owner: 4242, kind: 'unavailable' },
    { name: "root's folder", owner: 0, kind: 'error' },
  ]) {
    it(`a permission refused in ${name} is ${kind}`, NEEDS_ROOT, () => {
      const dir = makeTempDir();
      chmodSync(dir, 0o755);
      const closed = join(dir, 'closed');
      mkdirSync(join(closed, 'logs'), { recursive: true });
      chmodSync(closed, 0o700);
      chownSync(closed, owner, owner);
      const script = `import { readFilesystem } from ${JSON.stringify(pathToFileURL(resolve('src/system/read-filesystem.ts')).href)};
        process.stdout.write(JSON.stringify(readFilesystem(${JSON.stringify(join(closed, 'logs'))}, { trust: { ownUid: ${OTHER_UID}, isPrivateGroup: () => false } })));`;
      const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        uid: OTHER_UID,
        gid: OTHER_UID,
        encoding: 'utf8',
      });
      assert.equal(child.status, 0, child.stderr);
      const read = JSON.parse(child.stdout) as { kind: string; reason: string };
      assert.equal(read.kind, kind, read.reason);
      assert.match(read.reason, /EACCES/);
      if (kind === 'unavailable') assert.match(read.reason, new RegExp(`in ${closed}, a folder of user 4242$`));
    });
  }
});
