import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runShellCommand, type ShellCommandOptions } from '../../src/system/run-shell-command.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/** Options for a command run in `cwd` with this process's environment. */
function optionsFor(command: string, cwd: string, extra: Partial<ShellCommandOptions> = {}): ShellCommandOptions {
  return { command, cwd, env: process.env, timeoutMs: 30_000, killGraceMs: 1000, ...extra };
}

/** Stops a test that hangs instead of letting it block the run; never an assertion on speed. */
const hangGuard = { timeout: 60_000 };

describe('runShellCommand: input', () => {
  it('writes the input to the standard input, then closes it', hangGuard, async () => {
    const cwd = makeTempDir();
    const input = '{"event":"gave_up","summary":"web: ünïcode and \\"quotes\\""}\nsecond line\n';
    const result = await runShellCommand(optionsFor('cat > received.json; echo read-all', cwd, { input }));
    assert.equal(result.exitCode, 0);
    assert.equal(result.spawnError, undefined);
    assert.equal(result.outputTail, 'read-all\n', 'cat saw the end of its input');
    assert.equal(readFileSync(join(cwd, 'received.json'), 'utf8'), input);
  });

  it('gives no standard input without `input`: a reader sees its end at once', hangGuard, async () => {
    const cwd = makeTempDir();
    const result = await runShellCommand(optionsFor('cat > received.txt', cwd));
    assert.equal(result.exitCode, 0);
    assert.equal(readFileSync(join(cwd, 'received.txt'), 'utf8'), '');
  });

  it(
    'takes a command that exits without reading a large input: its exit code, no throw (EPIPE ignored)',
    hangGuard,
    async () => {
      const cwd = makeTempDir();
      const input = 'x'.repeat(1024 * 1024);
      const result = await runShellCommand(optionsFor('exit 3', cwd, { input }));
      assert.equal(result.exitCode, 3);
      assert.equal(result.signal, null);
      assert.equal(result.timedOut, false);
      assert.equal(result.spawnError, undefined);
    },
  );

  it('reports a folder that does not exist as spawnError, input or not, without throwing', hangGuard, async () => {
    const cwd = join(makeTempDir(), 'missing');
    const result = await runShellCommand(optionsFor('cat', cwd, { input: 'x'.repeat(256 * 1024) }));
    assert.equal(result.exitCode, null);
    assert.equal(typeof result.spawnError, 'string');
  });

  it('takes a command that reads only part of a large input', hangGuard, async () => {
    const cwd = makeTempDir();
    const input = `first\n${'y'.repeat(1024 * 1024)}\n`;
    const result = await runShellCommand(optionsFor('head -c 5 > head.txt; exit 0', cwd, { input }));
    assert.equal(result.exitCode, 0);
    assert.equal(result.spawnError, undefined);
    assert.equal(readFileSync(join(cwd, 'head.txt'), 'utf8'), 'first');
  });
});
