import assert from 'node:assert/strict';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isTerminal } from '../../src/system/is-terminal.js';
import { makeTempDir } from '../helpers/temp-dir.js';

describe('isTerminal', () => {
  it('tells a file, /dev/null and a closed descriptor from a terminal without asking isatty', () => {
    const asked: number[] = [];
    const isatty = (fd: number): boolean => {
      asked.push(fd);
      return true;
    };
    const file = openSync(join(makeTempDir('watchdog-tty-'), 'out'), 'w');
    const devNull = openSync('/dev/null', 'w');
    try {
      assert.equal(isTerminal(file, isatty), false);
      assert.equal(isTerminal(devNull, isatty), false);
    } finally {
      closeSync(file);
      closeSync(devNull);
    }
    assert.equal(isTerminal(987_654, isatty), false);
    assert.deepEqual(asked, []);
  });

  it('asks isatty of another character device (and believes it)', () => {
    // A pseudo-terminal's master side (major 5): a character device that is no memory device.
    const fd = openSync('/dev/ptmx', 'r+');
    try {
      assert.equal(
        isTerminal(fd, () => true),
        true,
      );
      assert.equal(
        isTerminal(fd, () => false),
        false,
      );
    } finally {
      closeSync(fd);
    }
  });
});
