import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { execFileSync } from 'node:child_process';
import { readPidFile } from '../../src/system/read-pid-file.js';
import { makeTempDir } from '../helpers/temp-dir.js';

describe('readPidFile', () => {
  it('reads a PID and a newline', () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'app.pid'), '4242\n');
    assert.deepEqual(readPidFile(join(dir, 'app.pid')), { kind: 'pid', pid: 4242, ownerUid: process.getuid?.() ?? 0 });
  });

  it('says when there is none', () => {
    assert.deepEqual(readPidFile(join(makeTempDir(), 'app.pid')), { kind: 'missing' });
  });

  const refused: [name: string, contents: string, reason: RegExp][] = [
    ['a negative number', '-1\n', /does not hold a PID/],
    ['text', 'nginx\n', /does not hold a PID/],
    ['two numbers', '12 13\n', /does not hold a PID/],
    ['a huge file', `${'1'.repeat(100)}\n`, /does not hold a PID/],
    ['an empty file', '', /does not hold a PID/],
  ];
  for (const [name, contents, reason] of refused) {
    it(`refuses ${name}`, () => {
      const dir = makeTempDir();
      writeFileSync(join(dir, 'app.pid'), contents);
      const read = readPidFile(join(dir, 'app.pid'));
      assert.ok(read.kind === 'refused' && reason.test(read.reason), JSON.stringify(read));
    });
  }

  it('never follows the file when it is a symbolic link', () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'other.pid'), '1\n');
    symlinkSync(join(dir, 'other.pid'), join(dir, 'app.pid'));
    assert.deepEqual(readPidFile(join(dir, 'app.pid')), {
      kind: 'refused',
      reason: `${join(dir, 'app.pid')} is a symbolic link: not followed (it may point at any file)`,
    });
  });

  it('refuses a folder and does not block on a FIFO', () => {
    const dir = makeTempDir();
    mkdirSync(join(dir, 'folder.pid'));
    execFileSync('mkfifo', [join(dir, 'fifo.pid')]);
    assert.equal(readPidFile(join(dir, 'folder.pid')).kind, 'refused');
    assert.equal(readPidFile(join(dir, 'fifo.pid')).kind, 'refused');
  });
});
