import assert from 'node:assert/strict';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { flagIsSet } from '../../src/network/network-system.js';
import { makeTempDir } from '../helpers/temp-dir.js';

describe('flagIsSet (the maintenance flag, failing closed)', () => {
  it('is not set when nothing is there, or when a folder on the way is a file', () => {
    const dir = makeTempDir();
    assert.equal(flagIsSet(join(dir, 'maintenance')), false);
    writeFileSync(join(dir, 'file'), '');
    assert.equal(flagIsSet(join(dir, 'file', 'maintenance')), false);
  });

  it('is set by a file, empty or not', () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'maintenance'), '');
    assert.equal(flagIsSet(join(dir, 'maintenance')), true);
  });

  it('is set by a symbolic link, even one that points nowhere', () => {
    const dir = makeTempDir();
    symlinkSync(join(dir, 'nowhere'), join(dir, 'maintenance'));
    assert.equal(flagIsSet(join(dir, 'maintenance')), true);
  });

  it('is set when the path cannot be looked at (a symbolic link loop on the way)', () => {
    const dir = makeTempDir();
    symlinkSync(join(dir, 'loop'), join(dir, 'loop'));
    assert.equal(flagIsSet(join(dir, 'loop', 'maintenance')), true);
  });
});
