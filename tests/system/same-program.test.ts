// sameProgramTest on real child processes of this test: is a process another run of the
// watchdog? Its executable and its script must be the same files as this run's, however
// the path was written (relative to its working folder, through a link).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { sameProgramTest } from '../../src/system/same-program.js';
import { killGroupOnCleanup, waitUntil } from '../helpers/owned-processes.js';
import { readSentinelRecord, SENTINEL } from '../helpers/pid-namespace.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/** Starts `argv` detached in its own group (SIGKILLed when the test ends); a sentinel is waited for. */
async function started(argv: string[], options: { cwd?: string; record?: string } = {}): Promise<number> {
  const [command, ...args] = argv;
  const child = spawn(command ?? '', args, { cwd: options.cwd, detached: true, stdio: 'ignore' });
  const pid = child.pid;
  assert.ok(pid !== undefined);
  killGroupOnCleanup(pid);
  child.unref();
  const record = options.record;
  if (record !== undefined) await waitUntil(() => readSentinelRecord(record).includes('ready'), 'the sentinel ready');
  return pid;
}

describe('sameProgramTest', () => {
  // A fresh folder for each test (made in the test: what it leaves is removed when it ends).
  let dir = '';
  const record = (name: string): string => join(dir, `${name}.record`);
  const isRun = sameProgramTest({ executable: process.execPath, script: SENTINEL });

  it('is true for the same executable and script, the script by its absolute path', async () => {
    dir = makeTempDir('watchdog-same-program-');
    const pid = await started([process.execPath, SENTINEL, record('absolute')], { record: record('absolute') });
    assert.equal(isRun(pid), true);
  });

  it('is true for the script named relative to its working folder, or through a link', async () => {
    dir = makeTempDir('watchdog-same-program-');
    const relative = await started([process.execPath, `./${basename(SENTINEL)}`, record('relative')], {
      cwd: dirname(SENTINEL),
      record: record('relative'),
    });
    assert.equal(isRun(relative), true);
    const link = join(dir, 'watchdog');
    symlinkSync(SENTINEL, link);
    const linked = await started([process.execPath, '--no-warnings', link, record('linked')], {
      record: record('linked'),
    });
    assert.equal(isRun(linked), true);
  });

  it('is false for another script, even a copy of the same text', async () => {
    dir = makeTempDir('watchdog-same-program-');
    const copy = join(dir, 'copy.mjs');
    copyFileSync(SENTINEL, copy);
    const pid = await started([process.execPath, copy, record('copy')], { record: record('copy') });
    assert.equal(isRun(pid), false);
  });

  it('is false for another executable naming the same script (tail -f bin.js)', async () => {
    const pid = await started(['tail', '-f', SENTINEL]);
    assert.equal(isRun(pid), false);
  });

  it('knows a file system reader of the watchdog, by the reader binary, whatever script runs the tick (review 2, finding 3)', async () => {
    // A tick run through the library has its own program as argv[1]; its readers run the watchdog binary.
    dir = makeTempDir('watchdog-same-program-');
    // The reader as the watchdog starts it: its script, the reader argument, one folder; never retitled.
    const bin = join(dir, 'bin.mjs');
    writeFileSync(bin, 'setInterval(() => {}, 1e9);\n');
    const reader = await started([process.execPath, bin, '__read-filesystems', '/var/log/nginx']);
    await waitUntil(
      () => readFileSync(`/proc/${reader}/cmdline`, 'utf8').includes('__read-filesystems'),
      "the reader's command line",
    );
    const isRunOrReader = sameProgramTest({
      executable: process.execPath,
      script: join(dir, 'gateway.js'),
      readerScript: bin,
    });
    assert.equal(isRunOrReader(reader), true);
    assert.equal(sameProgramTest({ executable: process.execPath, script: join(dir, 'gateway.js') })(reader), false);
  });

  it('is false for a process that is gone, and for no script at all', () => {
    assert.equal(isRun(2 ** 22 + 1), false);
    assert.equal(sameProgramTest({ executable: process.execPath, script: undefined })(process.pid), false);
  });
});
