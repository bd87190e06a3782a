import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { writeTextfile } from '../../src/metrics/write-textfile.js';
import { makeTempDir } from '../helpers/temp-dir.js';

describe('writeTextfile', () => {
  it('writes the text, readable by all (0644), and leaves no temporary file', () => {
    const dir = makeTempDir();
    const path = join(dir, 'watchdog.prom');
    writeTextfile(path, 'watchdog_tick_failed 0\n');
    assert.equal(readFileSync(path, 'utf8'), 'watchdog_tick_failed 0\n');
    assert.equal(statSync(path).mode & 0o777, 0o644);
    assert.deepEqual(readdirSync(dir), ['watchdog.prom']);
  });

  it('replaces the old file whole', () => {
    const dir = makeTempDir();
    const path = join(dir, 'watchdog.prom');
    writeFileSync(path, 'old content that is longer than the new one\n');
    writeTextfile(path, 'new\n');
    assert.equal(readFileSync(path, 'utf8'), 'new\n');
    assert.deepEqual(readdirSync(dir), ['watchdog.prom']);
  });

  it('is 0644 whatever the umask (node_exporter runs as its own user)', () => {
    const dir = makeTempDir();
    const path = join(dir, 'watchdog.prom');
    // Each test file runs in its own process: the umask is put back for the rest of it.
    const previous = process.umask(0o027);
    try {
      writeTextfile(path, 'watchdog_tick_failed 0\n');
    } finally {
      process.umask(previous);
    }
    assert.equal((statSync(path).mode & 0o777).toString(8), '644');
  });

  it('throws for a folder that does not exist, and creates nothing', () => {
    const dir = makeTempDir();
    const path = join(dir, 'missing', 'watchdog.prom');
    assert.throws(
      () => writeTextfile(path, 'x 1\n'),
      (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT',
    );
    assert.deepEqual(readdirSync(dir), []);
  });

  it('throws when the file cannot be replaced, and leaves no temporary file behind', () => {
    const dir = makeTempDir();
    // A folder where the file should be: the rename over it fails.
    const path = join(dir, 'watchdog.prom');
    mkdirSync(path);
    assert.throws(
      () => writeTextfile(path, 'x 1\n'),
      (error: unknown) => typeof (error as NodeJS.ErrnoException).code === 'string',
    );
    assert.deepEqual(readdirSync(dir), ['watchdog.prom'], `left: ${readdirSync(dir).join(', ')}`);
  });
});
