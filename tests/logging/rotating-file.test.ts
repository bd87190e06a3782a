import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { appendWithRotation } from '../../src/logging/rotating-file.js';
import { makeTempDir } from '../helpers/temp-dir.js';

describe('appendWithRotation', () => {
  it('shifts watchdog.log → .1 → .2 and drops the oldest, keeping maxFiles files', () => {
    const dir = makeTempDir();
    const path = join(dir, 'watchdog.log');
    for (const line of ['a', 'b', 'c', 'd', 'e']) appendWithRotation(path, `${line.repeat(9)}\n`, 25, 3);
    assert.deepEqual(readdirSync(dir).sort(), ['watchdog.log', 'watchdog.log.1', 'watchdog.log.2']);
    assert.equal(readFileSync(path, 'utf8'), 'eeeeeeeee\n');
    assert.equal(readFileSync(`${path}.1`, 'utf8'), 'ccccccccc\nddddddddd\n');
    assert.equal(readFileSync(`${path}.2`, 'utf8'), 'aaaaaaaaa\nbbbbbbbbb\n');
  });

  it('keeps only the current file when maxFiles is 1', () => {
    const dir = makeTempDir();
    const path = join(dir, 'watchdog.log');
    for (const line of ['a', 'b', 'c']) appendWithRotation(path, `${line.repeat(9)}\n`, 15, 1);
    assert.deepEqual(readdirSync(dir), ['watchdog.log']);
    assert.equal(readFileSync(path, 'utf8'), 'ccccccccc\n');
  });

  it('writes a line longer than maxBytes whole, into a file of its own, and goes on', () => {
    const dir = makeTempDir();
    const path = join(dir, 'watchdog.log');
    appendWithRotation(path, 'short\n', 20, 3);
    appendWithRotation(path, `${'x'.repeat(50)}\n`, 20, 3);
    appendWithRotation(path, 'after\n', 20, 3);
    assert.equal(readFileSync(path, 'utf8'), 'after\n');
    assert.equal(readFileSync(`${path}.1`, 'utf8'), `${'x'.repeat(50)}\n`);
    assert.equal(readFileSync(`${path}.2`, 'utf8'), 'short\n');
  });
});
