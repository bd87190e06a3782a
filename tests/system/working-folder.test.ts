// A command's working folder is reached without links others could have planted, and the
// command starts in the folder that was reached.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runShellCommand } from '../../src/system/run-shell-command.js';
import { reachWorkingFolder } from '../../src/system/working-folder.js';
import { NEEDS_ROOT, TEST_TRUST, hostileWorld } from '../helpers/hostile-files.js';

const RUN = { env: { PATH: '/usr/bin:/bin' }, timeoutMs: 5000, killGraceMs: 500 };

describe('reachWorkingFolder', () => {
  it('runs the command in the folder asked for', async () => {
    const { dir } = hostileWorld();
    mkdirSync(join(dir, 'work'));
    const result = await runShellCommand({ ...RUN, command: 'pwd -P; touch made-here', cwd: join(dir, 'work') });
    assert.equal(result.exitCode, 0, result.outputTail);
    assert.equal(result.outputTail.trim(), join(dir, 'work'));
    assert.deepEqual(readdirSync(join(dir, 'work')), ['made-here']);
  });

  it('names a folder that does not exist or is a file, and runs nothing', async () => {
    const { dir } = hostileWorld();
    writeFileSync(join(dir, 'file'), '');
    assert.deepEqual(reachWorkingFolder(join(dir, 'missing'), TEST_TRUST), {
      error: `the working folder ${join(dir, 'missing')} does not exist`,
    });
    assert.deepEqual(reachWorkingFolder(join(dir, 'file'), TEST_TRUST), {
      error: `the working folder ${join(dir, 'file')} is not a folder`,
    });
  });

  it('refuses a working folder an app’s user replaced with a link, and runs nothing there', NEEDS_ROOT, async () => {
    const { dir, theirs } = hostileWorld();
    const privateFolder = join(dir, 'private');
    mkdirSync(privateFolder, { mode: 0o700 });
    symlinkSync(privateFolder, join(theirs, 'work'));
    const result = await runShellCommand({ ...RUN, command: 'touch made-here', cwd: join(theirs, 'work') });
    assert.equal(result.pid, undefined);
    assert.match(
      result.spawnError ?? '',
      new RegExp(`^the working folder ${theirs}/work is not trusted: .*a folder of user 65534: not followed$`),
    );
    assert.deepEqual(readdirSync(privateFolder), []);
  });
});
