// An app's output log, opened by root in a folder the app's user may write: never a link, a
// second name of another file, or another user's file; read back through the descriptor that wrote.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  chownSync,
  closeSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openOutputFile, readOutputSince } from '../../src/system/output-file.js';
import { hostileWorld, NEEDS_ROOT, OTHER_UID, SECRET } from '../helpers/hostile-files.js';

describe('openOutputFile', () => {
  it('appends after a header, and reads back what was written since, through its own descriptor', () => {
    const { dir, secret } = hostileWorld();
    const path = join(dir, 'logs', 'app.out.log');
    const opened = openOutputFile(path, { header: '--- started ---' });
    try {
      writeSync(opened.fd, 'hello from the app\n');
      // The app's user replaces the name with a link to a file of root's: the tail is still the app's.
      renameSync(path, `${path}.old`);
      symlinkSync(secret, path);
      assert.equal(readOutputSince(opened.fd, opened.startOffset, 4096), 'hello from the app\n');
    } finally {
      closeSync(opened.fd);
    }
    assert.equal(readFileSync(`${path}.old`, 'utf8'), '--- started ---\nhello from the app\n');
    assert.equal(statSync(join(dir, 'logs')).mode & 0o777, 0o750 & ~process.umask());
  });

  it('refuses a link, a second name of a file of root’s, and a file of another user', NEEDS_ROOT, () => {
    const { secret, theirs } = hostileWorld();
    symlinkSync(secret, join(theirs, 'link.log'));
    assert.throws(() => openOutputFile(join(theirs, 'link.log')), { code: 'ELOOP' });
    linkSync(secret, join(theirs, 'hard.log'));
    assert.throws(() => openOutputFile(join(theirs, 'hard.log')), {
      code: 'EUNSAFEPATH',
      message: /has 2 names \(hard links\)/,
    });
    writeFileSync(join(theirs, 'theirs.log'), '');
    chownSync(join(theirs, 'theirs.log'), OTHER_UID, OTHER_UID);
    assert.throws(() => openOutputFile(join(theirs, 'theirs.log')), {
      code: 'EUNSAFEPATH',
      message: /belongs to user 65534/,
    });
    const allowed = openOutputFile(join(theirs, 'theirs.log'), { appUser: { uid: OTHER_UID, gid: OTHER_UID } });
    closeSync(allowed.fd);
    // A new log of the app's is the app user's, so they cannot move a file of root's about.
    const created = openOutputFile(join(theirs, 'new.log'), { appUser: { uid: OTHER_UID, gid: OTHER_UID } });
    closeSync(created.fd);
    assert.deepEqual(
      [statSync(join(theirs, 'new.log')).uid, statSync(join(theirs, 'new.log')).gid],
      [OTHER_UID, OTHER_UID],
    );
    assert.equal(readFileSync(secret, 'utf8'), SECRET, 'the secret is unchanged');
    assert.equal(statSync(secret).nlink, 2, 'the hard link was left alone');
  });

  it('refuses a folder another user replaced with a link, and creates nothing where it leads', NEEDS_ROOT, () => {
    const { dir, theirs } = hostileWorld();
    mkdirSync(join(dir, 'rootonly'), { mode: 0o700 });
    symlinkSync(join(dir, 'rootonly'), join(theirs, 'logs'));
    assert.throws(() => openOutputFile(join(theirs, 'logs', 'app.out.log')), { code: 'EUNSAFEPATH' });
    assert.deepEqual(readdirSync(join(dir, 'rootonly')), []);
  });

  it('rotates a file above the limit to PATH.1 in the same folder, never a link at that name', NEEDS_ROOT, () => {
    const { secret, theirs } = hostileWorld();
    const path = join(theirs, 'app.out.log');
    writeFileSync(path, 'x'.repeat(100));
    symlinkSync(secret, `${path}.1`);
    const opened = openOutputFile(path, { rotateAboveBytes: 10 });
    closeSync(opened.fd);
    assert.equal(
      readFileSync(`${path}.1`, 'utf8'),
      'x'.repeat(100),
      'the link at .1 was replaced, not written through',
    );
    assert.equal(readFileSync(secret, 'utf8'), SECRET);
    assert.equal(lstatSync(`${path}.1`).isFile(), true);
  });

  it('does not wait for a lease the app’s user took on its log: it refuses at once', async () => {
    const { dir } = hostileWorld();
    const path = join(dir, 'leased.log');
    writeFileSync(path, '');
    // A write lease makes every other open wait lease-break-time (45 s) unless non-blocking.
    const holder = spawn('python3', ['-c', LEASE_HOLDER, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.once('data', () => resolve());
        holder.once('exit', (code) => reject(new Error(`the lease holder exited ${String(code)}`)));
      });
      assert.throws(() => openOutputFile(path), {
        code: 'EUNSAFEPATH',
        message: /is held by a lease of another process: not opened/,
      });
    } finally {
      holder.kill('SIGKILL');
    }
  });
});

/** Takes a write lease on argv[1], says so, and holds it, ignoring the kernel's SIGIO asking it to let go. */
const LEASE_HOLDER = `
import fcntl, signal, sys, time
signal.signal(signal.SIGIO, signal.SIG_IGN)
f = open(sys.argv[1])
fcntl.fcntl(f, fcntl.F_SETLEASE, fcntl.F_WRLCK)
print('ready', flush=True)
time.sleep(60)
`;
