// reachFolder and openFileSafely: a folder or file reached by path, never through a link others could plant.
import assert from 'node:assert/strict';
import { closeSync, constants, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openFileSafely, reachFolder } from '../../src/system/open-file-safely.js';
import { closeFolder } from '../../src/system/walk-path.js';
import { hostileWorld, NEEDS_ROOT, TEST_TRUST } from '../helpers/hostile-files.js';

describe('reachFolder and openFileSafely', () => {
  it('take the short way when no link is on it, and the careful walk when one is', () => {
    const { dir } = hostileWorld();
    mkdirSync(join(dir, 'real'));
    symlinkSync('real', join(dir, 'link'));
    for (const [asked, found] of [
      ['real', 'real'],
      ['link', 'real'],
    ]) {
      const folder = reachFolder(join(dir, asked ?? ''), { trust: TEST_TRUST });
      closeFolder(folder);
      assert.equal(folder.path, join(dir, found ?? ''));
    }
  });

  it('never open a file that is a link; follow one only when asked and only where root placed it', NEEDS_ROOT, () => {
    const { dir, secret, theirs } = hostileWorld();
    symlinkSync(secret, join(dir, 'config.json'));
    assert.throws(() => openFileSafely(join(dir, 'config.json'), { flags: constants.O_RDONLY, trust: TEST_TRUST }), {
      code: 'ELOOP',
    });
    const fd = openFileSafely(join(dir, 'config.json'), {
      flags: constants.O_RDONLY,
      trust: TEST_TRUST,
      followTrustedLink: true,
    });
    closeSync(fd);
    symlinkSync(secret, join(theirs, 'config.json'));
    assert.throws(
      () =>
        openFileSafely(join(theirs, 'config.json'), {
          flags: constants.O_RDONLY,
          trust: TEST_TRUST,
          followTrustedLink: true,
        }),
      {
        code: 'EUNSAFEPATH',
        message: /config\.json is a symbolic link in .*theirs, a folder of user 65534: not followed/,
      },
    );
  });
});
