// Replacing an app's file (a heartbeat) from its folder's descriptor, on real folders: what
// render is given, the mode, links at the name or on the way, folders others can write,
// the owner a root writer gives the file, and nothing left behind on failure.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { replaceFileInFolder } from '../../src/system/replace-file-in-folder.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const isRoot = process.geteuid?.() === 0;

/** Replaces `path` with `next`, returning what render was given. */
function replaceWith(path: string, next: string, options: { asRoot?: boolean } = {}): string | undefined {
  let given: string | undefined = 'render was not called';
  replaceFileInFolder(
    path,
    (current) => {
      given = current;
      return next;
    },
    { mode: 0o644, ...options },
  );
  return given;
}

describe('replaceFileInFolder', () => {
  it('creates the file 0644 whatever the umask, then gives render the current text', () => {
    const dir = makeTempDir();
    const path = join(dir, 'job.json');
    const umask = process.umask(0o077);
    try {
      assert.equal(replaceWith(path, 'one'), undefined);
    } finally {
      process.umask(umask);
    }
    assert.equal(statSync(path).mode & 0o7777, 0o644);
    assert.equal(replaceWith(path, 'two'), 'one');
    assert.equal(readFileSync(path, 'utf8'), 'two');
    assert.deepEqual(readdirSync(dir), ['job.json'], 'no temporary file left');
  });

  it('replaces a link planted at the name, never writing or reading through it', () => {
    const dir = makeTempDir();
    const victim = join(dir, 'victim');
    writeFileSync(victim, '{"process_key": "job", "iteration": 41}');
    mkdirSync(join(dir, 'run'));
    symlinkSync(victim, join(dir, 'run', 'job.json'));

    assert.equal(replaceWith(join(dir, 'run', 'job.json'), 'beat'), undefined, "the link's target is not read");

    assert.equal(readFileSync(victim, 'utf8'), '{"process_key": "job", "iteration": 41}');
    assert.ok(lstatSync(join(dir, 'run', 'job.json')).isFile(), 'the link itself was replaced');
  });

  it('reads nothing from a FIFO at the name, and does not block on it', () => {
    const dir = makeTempDir();
    execFileSync('mkfifo', [join(dir, 'job.json')]);
    assert.equal(replaceWith(join(dir, 'job.json'), 'beat'), undefined);
    assert.equal(readFileSync(join(dir, 'job.json'), 'utf8'), 'beat');
  });

  for (const mode of [0o777, 0o1777, 0o775]) {
    it(`refuses a folder others can write (mode ${mode.toString(8)})`, () => {
      const dir = makeTempDir();
      const shared = join(dir, 'shared');
      mkdirSync(shared);
      chmodSync(shared, mode);
      // A group that is no one's private group: gid 0 (root's group) has no single owner here.
      if (mode === 0o775) chownSync(shared, 0, 4242);
      assert.throws(() => replaceWith(join(shared, 'job.json'), 'beat'), {
        code: 'EUNSAFEPATH',
        message: new RegExp(
          `^${shared} is a folder others can write \\(mode 0?${mode.toString(8)}\\): job.json is not written there$`,
        ),
      });
      assert.deepEqual(readdirSync(shared), []);
    });
  }

  it('does not follow a link to a folder in a folder others can write', () => {
    const dir = makeTempDir();
    mkdirSync(join(dir, 'shared'));
    chmodSync(join(dir, 'shared'), 0o777);
    mkdirSync(join(dir, 'elsewhere'));
    symlinkSync(join(dir, 'elsewhere'), join(dir, 'shared', 'run'));
    assert.throws(() => replaceWith(join(dir, 'shared', 'run', 'job.json'), 'beat'), { code: 'EUNSAFEPATH' });
    assert.deepEqual(readdirSync(join(dir, 'elsewhere')), []);
  });

  it('fails on a missing folder, creating nothing', () => {
    const dir = makeTempDir();
    assert.throws(() => replaceWith(join(dir, 'missing', 'job.json'), 'beat'), { code: 'ENOENT' });
    assert.deepEqual(readdirSync(dir), []);
  });

  it('removes its temporary file when the rename fails', () => {
    const dir = makeTempDir();
    mkdirSync(join(dir, 'job.json'));
    assert.throws(() => replaceWith(join(dir, 'job.json'), 'beat'), { code: 'EISDIR' });
    assert.deepEqual(readdirSync(dir), ['job.json']);
  });

  it("as root, gives the file to the owner of an ordinary user's folder", { skip: !isRoot && 'needs root' }, () => {
    const dir = makeTempDir();
    const home = join(dir, 'home');
    mkdirSync(home, 0o755);
    chownSync(home, 4321, 4321);
    replaceWith(join(home, 'job.json'), 'beat', { asRoot: true });
    const { uid, gid } = statSync(join(home, 'job.json'));
    assert.deepEqual({ uid, gid }, { uid: 4321, gid: 4321 });

    replaceWith(join(dir, 'root.json'), 'beat', { asRoot: true });
    assert.equal(statSync(join(dir, 'root.json')).uid, 0, "root's own folder: root's file");
  });
});
