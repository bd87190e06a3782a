// Moving an old heartbeat aside acts in its own folder, never in one a link leads to.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { renameInFolder } from '../../src/system/rename-in-folder.js';
import { hostileWorld, NEEDS_ROOT, TEST_TRUST } from '../helpers/hostile-files.js';

describe('renameInFolder', () => {
  it('moves a heartbeat aside in its folder', () => {
    const { dir } = hostileWorld();
    writeFileSync(join(dir, 'hb.json'), '{}');
    renameInFolder(join(dir, 'hb.json'), join(dir, 'hb.json.stale'), TEST_TRUST);
    assert.deepEqual(
      readdirSync(dir).filter((name) => name.startsWith('hb')),
      ['hb.json.stale'],
    );
  });

  it('moves nothing in another app’s folder that a link leads to', NEEDS_ROOT, () => {
    const { dir, theirs } = hostileWorld();
    mkdirSync(join(dir, 'bob'));
    writeFileSync(join(dir, 'bob', 'hb.json'), '{"bob":true}');
    symlinkSync(join(dir, 'bob'), join(theirs, 'hb'));
    assert.throws(
      () => renameInFolder(join(theirs, 'hb', 'hb.json'), join(theirs, 'hb', 'hb.json.stale'), TEST_TRUST),
      { code: 'EUNSAFEPATH' },
    );
    assert.deepEqual(readdirSync(join(dir, 'bob')), ['hb.json']);
  });

  it('refuses names in two folders', () => {
    assert.throws(() => renameInFolder('/a/b', '/c/b', TEST_TRUST), RangeError);
  });
});
