// openFolder walks a path from `/` one descriptor at a time and follows a symbolic link only
// where root or the watchdog's user alone could have planted it. The cases give folders and
// links to another user (65534, nobody) for real, so they need root, as CI runs them.
import assert from 'node:assert/strict';
import {
  chmodSync,
  chownSync,
  existsSync,
  fstatSync,
  lchownSync,
  mkdirSync,
  readdirSync,
  renameSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { mayFollowLinkIn, trustedFolderRefusal, type LinkTrust } from '../../src/system/link-trust.js';
import { UnsafePathError } from '../../src/system/unsafe-path-error.js';
import { closeFolder, inFolder, openFolder, withFolder } from '../../src/system/walk-path.js';
import { NEEDS_ROOT, OTHER_UID, TEST_TRUST, hostileWorld } from '../helpers/hostile-files.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const OTHER = OTHER_UID;
const TRUST = TEST_TRUST;

/** A temp folder of mode 0755, so links in it are root's and trusted. */
function base(): string {
  const dir = makeTempDir('watchdog-walk-');
  chmodSync(dir, 0o755);
  return dir;
}

/** A folder of another user's holding a link `name` to a root-only folder, as an app's user would plant it. */
function plantedLink(name: string): { dir: string; theirs: string } {
  const { dir, theirs } = hostileWorld();
  mkdirSync(join(dir, 'rootonly'), { mode: 0o700 });
  symlinkSync(join(dir, 'rootonly'), join(theirs, name));
  return { dir, theirs };
}

const isUnsafe = (pattern: RegExp) => (error: unknown) =>
  error instanceof UnsafePathError && error.code === 'EUNSAFEPATH' && pattern.test(error.message);

describe('openFolder', () => {
  it('reaches a folder without links: its descriptor is that folder', () => {
    const dir = base();
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    withFolder(join(dir, 'a', 'b'), { trust: TRUST }, (folder) => {
      assert.equal(folder.path, join(dir, 'a', 'b'));
      assert.equal(fstatSync(folder.fd).ino, statSync(join(dir, 'a', 'b')).ino);
    });
  });

  it('follows a link that root placed in a folder only root writes (/var/run → /run)', () => {
    const dir = base();
    mkdirSync(join(dir, 'real'));
    symlinkSync('real', join(dir, 'link'));
    withFolder(join(dir, 'link'), { trust: TRUST }, (folder) => assert.equal(folder.path, join(dir, 'real')));
  });

  it('resolves `..` in a link from the folder reached, not from the name', () => {
    const dir = base();
    mkdirSync(join(dir, 'x', 'y'), { recursive: true });
    mkdirSync(join(dir, 'z'));
    symlinkSync('../z', join(dir, 'x', 'up'));
    withFolder(join(dir, 'x', 'up'), { trust: TRUST }, (folder) => assert.equal(folder.path, join(dir, 'z')));
  });

  it('refuses a link in a folder of another user, even to a folder of root’s', NEEDS_ROOT, () => {
    const { theirs } = plantedLink('hb');
    assert.throws(
      () => openFolder(join(theirs, 'hb'), { trust: TRUST }),
      isUnsafe(/theirs\/hb is a symbolic link in .*theirs, a folder of user 65534: not followed/),
    );
  });

  it('refuses a link two folders up, where another user could have replaced a folder', NEEDS_ROOT, () => {
    const dir = base();
    const home = join(dir, 'home');
    mkdirSync(join(home, 'real', 'hb'), { recursive: true });
    symlinkSync('real', join(home, 'app'));
    chownSync(home, OTHER, OTHER);
    assert.throws(
      () => openFolder(join(home, 'app', 'hb'), { trust: TRUST }),
      isUnsafe(/home\/app is a symbolic link/),
    );
  });

  it('refuses a link in a folder others can write, unless sticky and the link is root’s', NEEDS_ROOT, () => {
    const dir = base();
    mkdirSync(join(dir, 'target'));
    const open = join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    symlinkSync('../target', join(open, 'link'));
    assert.throws(() => openFolder(join(open, 'link'), { trust: TRUST }), isUnsafe(/others can write \(mode 0777\)/));

    const sticky = join(dir, 'sticky');
    mkdirSync(sticky);
    chmodSync(sticky, 0o1777);
    symlinkSync('../target', join(sticky, 'mine'));
    symlinkSync('../target', join(sticky, 'theirs'));
    lchownSync(join(sticky, 'theirs'), OTHER, OTHER);
    withFolder(join(sticky, 'mine'), { trust: TRUST }, (folder) => assert.equal(folder.path, join(dir, 'target')));
    assert.throws(
      () => openFolder(join(sticky, 'theirs'), { trust: TRUST }),
      isUnsafe(/mode 1777\), and the link is user 65534's/),
    );
  });

  it('creates missing folders with the mode given, one from the other', () => {
    const dir = base();
    withFolder(join(dir, 'n1', 'n2'), { trust: TRUST, createMode: 0o750 }, (folder) =>
      assert.equal(folder.path, join(dir, 'n1', 'n2')),
    );
    assert.equal(statSync(join(dir, 'n1', 'n2')).mode & 0o777, 0o750 & ~process.umask());
  });

  it('creates nothing through a link another user planted where a folder was to be made', NEEDS_ROOT, () => {
    const { dir, theirs } = plantedLink('logs');
    assert.throws(
      () => openFolder(join(theirs, 'logs', 'more'), { trust: TRUST, createMode: 0o750 }),
      isUnsafe(/not followed/),
    );
    assert.deepEqual(readdirSync(join(dir, 'rootonly')), []);
  });

  it('says ENOENT for a missing folder, ENOTDIR for a file on the way, ELOOP for links in a circle', () => {
    const dir = base();
    assert.throws(() => openFolder(join(dir, 'missing'), { trust: TRUST }), { code: 'ENOENT' });
    writeFileSync(join(dir, 'file'), '');
    assert.throws(() => openFolder(join(dir, 'file', 'x'), { trust: TRUST }), { code: 'ENOTDIR' });
    symlinkSync('b', join(dir, 'a'));
    symlinkSync('a', join(dir, 'b'));
    assert.throws(() => openFolder(join(dir, 'a'), { trust: TRUST }), { code: 'ELOOP' });
  });

  it('acts in the folder it reached, even once that folder is renamed and its name taken by another', () => {
    const dir = base();
    mkdirSync(join(dir, 'hb'));
    const folder = openFolder(join(dir, 'hb'), { trust: TRUST });
    try {
      renameSync(join(dir, 'hb'), join(dir, 'moved'));
      mkdirSync(join(dir, 'hb'));
      writeFileSync(inFolder(folder, 'here.txt'), 'x');
    } finally {
      closeFolder(folder);
    }
    assert.equal(existsSync(join(dir, 'moved', 'here.txt')), true);
    assert.equal(existsSync(join(dir, 'hb', 'here.txt')), false);
  });

  it('needs an absolute path', () => {
    assert.throws(() => openFolder('relative/path', { trust: TRUST }), RangeError);
  });
});

describe('mayFollowLinkIn and trustedFolderRefusal (pure)', () => {
  const DIR = (mode: number, uid = 0, gid = 0) => ({ mode: 0o040000 | mode, uid, gid });
  const trust: LinkTrust = { ownUid: 1000, isPrivateGroup: (gid, uid) => gid === uid };
  const cases: [string, ReturnType<typeof DIR>, number, string | undefined, string | undefined][] = [
    ['root 0755', DIR(0o755), 0, undefined, undefined],
    ["the watchdog's user, 0700", DIR(0o700, 1000, 1000), 1000, undefined, undefined],
    ["the watchdog's user, group-writable by its private group", DIR(0o775, 1000, 1000), 0, undefined, undefined],
    ['another user, 0755', DIR(0o755, 2000, 2000), 0, 'a folder of user 2000', 'a folder of user 2000'],
    [
      'root, group-writable by a shared group',
      DIR(0o775, 0, 50),
      0,
      'a folder others can write (mode 0775)',
      'a folder others can write (mode 0775)',
    ],
    ['root, 0777', DIR(0o777), 0, 'a folder others can write (mode 0777)', 'a folder others can write (mode 0777)'],
    ["sticky 1777, root's link", DIR(0o1777), 0, undefined, 'a folder others can write (mode 1777)'],
    [
      "sticky 1777, another user's link",
      DIR(0o1777),
      2000,
      "a folder others can write (mode 1777), and the link is user 2000's",
      'a folder others can write (mode 1777)',
    ],
  ];
  for (const [name, folder, linkUid, link, write] of cases) {
    it(name, () => {
      assert.equal(mayFollowLinkIn(folder, { uid: linkUid }, trust), link);
      assert.equal(trustedFolderRefusal(folder, trust), write);
    });
  }
});
