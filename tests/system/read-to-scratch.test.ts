import assert from 'node:assert/strict';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readProcFile } from '../../src/system/read-proc-file.js';
import { SCRATCH_BYTES, readToScratch } from '../../src/system/read-to-scratch.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/** `readToScratch` of a fresh file holding `text`. */
function readFile(text: string, limit?: number): string {
  const path = join(makeTempDir(), 'file');
  writeFileSync(path, text);
  const fd = openSync(path, 'r');
  try {
    return readToScratch(fd, limit).toString('latin1');
  } finally {
    closeSync(fd);
  }
}

describe('readToScratch', () => {
  it('reads a small file whole', () => {
    assert.equal(readFile('{"pid": 42}\n'), '{"pid": 42}\n');
  });

  it('reads an empty file as nothing', () => {
    assert.equal(readFile(''), '');
  });

  it('stops at the limit it is given', () => {
    assert.equal(readFile('0123456789', 4), '0123');
  });

  it('stops at the size of its buffer, however large the file or the limit', () => {
    const text = 'x'.repeat(SCRATCH_BYTES + 100);
    assert.equal(readFile(text).length, SCRATCH_BYTES);
    assert.equal(readFile(text, SCRATCH_BYTES * 2).length, SCRATCH_BYTES);
  });

  it('gives each read its own bytes: a shorter file after a longer one', () => {
    assert.equal(readFile('a longer file'), 'a longer file');
    assert.equal(readFile('short'), 'short');
  });
});

describe('readProcFile', () => {
  /** A procfs stand-in holding `/PID/NAME` with `text`. */
  function fakeProc(pid: number, name: string, text: string): string {
    const root = makeTempDir();
    mkdirSync(join(root, String(pid)));
    writeFileSync(join(root, String(pid), name), text);
    return root;
  }

  it('reads a file that fits the shared buffer', () => {
    assert.equal(
      readProcFile(7, 'status', fakeProc(7, 'status', 'State:\tS (sleeping)\nTgid:\t7\n')),
      'State:\tS (sleeping)\nTgid:\t7\n',
    );
  });

  it('reads a file longer than the shared buffer whole (a long command line)', () => {
    const long = `${'a'.repeat(SCRATCH_BYTES + 5000)}\0--flag\0`;
    assert.equal(readProcFile(7, 'cmdline', fakeProc(7, 'cmdline', long)), long);
  });

  it('says nothing of a PID that has no entry, or is not a PID', () => {
    const root = fakeProc(7, 'status', 'State:\tS\n');
    assert.equal(readProcFile(8, 'status', root), undefined);
    assert.equal(readProcFile(0, 'status', root), undefined);
    assert.equal(readProcFile(-1, 'status', root), undefined);
  });
});
