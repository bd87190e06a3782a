// Files replaced atomically (journal, metrics): exclusive, unpredictable temporary names, safe folders only.
import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { replaceFile } from '../../src/system/replace-file.js';
import { hostileWorld, NEEDS_ROOT, SECRET, TEST_TRUST } from '../helpers/hostile-files.js';

describe('replaceFile', () => {
  it('writes the whole file with its mode whatever the umask, and leaves no temporary file', () => {
    const { dir } = hostileWorld();
    const path = join(dir, 'watchdog.prom');
    replaceFile(path, 'a 1\n', 0o644, TEST_TRUST);
    replaceFile(path, 'a 2\n', 0o644, TEST_TRUST);
    assert.equal(readFileSync(path, 'utf8'), 'a 2\n');
    assert.equal(statSync(path).mode & 0o777, 0o644);
    assert.deepEqual(readdirSync(dir).sort(), ['secret', 'theirs', 'watchdog.prom']);
  });

  it('never writes through a link at the old predictable temporary name', () => {
    const { dir, secret } = hostileWorld();
    const path = join(dir, 'watchdog.prom');
    symlinkSync(secret, `${path}.${process.pid}.tmp`);
    replaceFile(path, 'a 1\n', 0o644, TEST_TRUST);
    assert.equal(readFileSync(secret, 'utf8'), SECRET);
    assert.equal(lstatSync(`${path}.${process.pid}.tmp`).isSymbolicLink(), true);
  });

  it('refuses a folder of another user or one others can write', NEEDS_ROOT, () => {
    const { dir, theirs } = hostileWorld();
    assert.throws(() => replaceFile(join(theirs, 'x.prom'), 'x', 0o644, TEST_TRUST), {
      code: 'EUNSAFEPATH',
      message: /a folder of user 65534/,
    });
    const open = join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o1777);
    assert.throws(() => replaceFile(join(open, 'x.prom'), 'x', 0o644, TEST_TRUST), {
      code: 'EUNSAFEPATH',
      message: /mode 1777/,
    });
    assert.deepEqual(readdirSync(theirs), []);
    assert.deepEqual(readdirSync(open), []);
  });

  it('removes its temporary file when the rename fails', () => {
    const { dir } = hostileWorld();
    const path = join(dir, 'taken');
    mkdirSync(join(path, 'inside'), { recursive: true });
    assert.throws(() => replaceFile(path, 'x', 0o600, TEST_TRUST), { code: 'EISDIR' });
    assert.deepEqual(readdirSync(dir).sort(), ['secret', 'taken', 'theirs']);
  });
});
