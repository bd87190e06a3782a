import assert from 'node:assert/strict';
import { chownSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import {
  readerFolderOf,
  readFilesystemsWithin,
  waitingReaders,
  watchdogBinPath,
} from '../../src/system/read-filesystems-within.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/** A reader child that answers each path as `script` says (`line` for a reading, `hang` or `exit`). */
function reader(script: string): string[] {
  return [
    process.execPath,
    '-e',
    `const act = ${script};
     for (const path of process.argv.slice(1)) {
       const what = act(path);
       if (what === 'hang') setInterval(() => {}, 1000);
       if (what === 'hang' || what === 'exit') break;
       process.stdout.write(what + '\\n');
     }`,
    '--',
  ];
}

const READ = (path: string): string =>
  JSON.stringify({ kind: 'unavailable', reason: `${path} read by pid ${process.pid}` });

describe('readFilesystemsWithin', () => {
  it('reads real folders through the reader child: this binary, run the same way (here: the source, through tsx)', async () => {
    const dir = realpathSync(makeTempDir());
    const reads = await readFilesystemsWithin([dir, join(dir, 'gone')]);
    assert.equal(reads[0]?.kind, 'read', JSON.stringify(reads[0]));
    assert.deepEqual(reads[1], { kind: 'unavailable', reason: `${join(dir, 'gone')} does not exist` });
  });

  it('gives up on a folder that does not answer in time, and reads the ones after it in a fresh child', async () => {
    const script = `(path) => path === 'b' ? 'hang' : (${READ.toString()})(path)`;
    const reads = await readFilesystemsWithin(['a', 'b', 'c'], { readerArgv: reader(script), timeoutMs: 300 });
    assert.equal(reads.length, 3);
    assert.match(reads[0]?.kind === 'unavailable' ? reads[0].reason : '', /^a read by pid \d+$/);
    assert.deepEqual(reads[1], { kind: 'unavailable', reason: 'b did not answer within 0.3 s' });
    assert.match(reads[2]?.kind === 'unavailable' ? reads[2].reason : '', /^c read by pid \d+$/);
    const pid = (read: (typeof reads)[number] | undefined) =>
      read?.kind === 'unavailable' ? read.reason.split(' ').pop() : '';
    assert.notEqual(pid(reads[0]), pid(reads[2]), 'c was read by a second child');
  });

  it('starts no folder once the time a tick gives its reads has run out', async () => {
    const script = `(path) => path === 'ok' ? (${READ.toString()})(path) : 'hang'`;
    // The clock as the stage reads it: at its start, then before each folder.
    const clock = [0, 0, 100, 400, 700, 1000];
    const reads = await readFilesystemsWithin(['ok', 'n1', 'n2', 'n3', 'n4'], {
      readerArgv: reader(script),
      timeoutMs: 300,
      budgetMs: 500,
      monotonicMs: () => clock.shift() ?? 1000,
    });
    assert.deepEqual(
      reads.map((read) => read.kind),
      ['unavailable', 'unavailable', 'unavailable', 'error', 'error'],
      JSON.stringify(reads),
    );
    assert.match(reads[0]?.kind === 'unavailable' ? reads[0].reason : '', /^ok read by pid \d+$/);
    assert.deepEqual(reads[2], { kind: 'unavailable', reason: 'n2 did not answer within 0.3 s' });
    assert.deepEqual(reads[3], {
      kind: 'error',
      reason:
        'n3 was not read: the 0.5 s a tick gives its file system reads ran out (a file system before it did not answer)',
    });
  });

  it('says the reader failed (an error of the watchdog, not of the file system) when it ends early', async () => {
    const script = `(path) => path === 'b' ? 'exit' : (${READ.toString()})(path)`;
    const reads = await readFilesystemsWithin(['a', 'b', 'c'], { readerArgv: reader(script), timeoutMs: 5000 });
    assert.equal(reads[0]?.kind, 'unavailable');
    assert.deepEqual(
      reads.map((read) => read.kind),
      ['unavailable', 'error', 'unavailable'],
      'c is read by its own child',
    );
    assert.match(
      reads[1]?.kind === 'error' ? reads[1].reason : '',
      /^the watchdog could not read b: its reader child ended \(exit 0\)/,
    );
  });

  it('reads each folder in a child of its own, named by its one argument after the reader argument', async () => {
    const script = `(path) => JSON.stringify({ kind: 'unavailable', reason: process.argv.slice(1).join(',') + ' ' + process.pid })`;
    const reads = await readFilesystemsWithin(['a', 'b'], { readerArgv: reader(script), timeoutMs: 5000 });
    const reasons = reads.map((read) => (read.kind === 'unavailable' ? read.reason.split(' ') : []));
    assert.deepEqual(
      reasons.map(([args]) => args),
      ['a', 'b'],
    );
    assert.notEqual(reasons[0]?.[1], reasons[1]?.[1], 'two children');
  });

  it('refuses what is not a reading', async () => {
    const reads = await readFilesystemsWithin(['a'], { readerArgv: reader(`() => '{"kind":"read"}'`) });
    assert.deepEqual(reads, [
      { kind: 'error', reason: 'the watchdog could not read a: its reader child wrote something else than a reading' },
    ]);
  });

  it('finds the binary beside the bundle, or beside the modules tsc wrote or tsx runs', () => {
    assert.equal(watchdogBinPath('file:///opt/watchdog/dist/cli/watchdog.js'), '/opt/watchdog/dist/cli/bin.js');
    assert.equal(
      watchdogBinPath('file:///opt/watchdog/dist/system/read-filesystems-within.js'),
      '/opt/watchdog/dist/cli/bin.js',
    );
    assert.equal(watchdogBinPath('file:///w/src/system/read-filesystems-within.ts'), '/w/src/cli/bin.ts');
  });

  it('does not start a child for no folder', async () => {
    assert.deepEqual(await readFilesystemsWithin([], { readerArgv: ['/nonexistent'] }), []);
  });

  it('finds the readers of earlier runs still waiting, only its own, asleep, past the deadline', () => {
    const proc = makeTempDir('watchdog-fake-proc-');
    writeFileSync(join(proc, 'uptime'), '1000.00 1800.00\n');
    mkdirSync(join(proc, 'self/ns'), { recursive: true });
    symlinkSync('pid:[4026531836]', join(proc, 'self/ns/pid'));
    const bin = watchdogBinPath(pathToFileURL(join(process.cwd(), 'src/system/read-filesystems-within.ts')).href);
    const reading = (folder: string): string => `${process.execPath}\0${bin}\0__read-filesystems\0${folder}\0`;
    // pid, command line, state, start (clock ticks since boot), owner, PID namespace, executable
    const entries: [number, string, string, number, number, string, string][] = [
      [101, reading('/mnt/nfs'), 'D', 90_000, 0, 'pid:[4026531836]', process.execPath],
      [102, reading('/mnt/busy'), 'D', 99_900, 0, 'pid:[4026531836]', process.execPath],
      [103, reading('/mnt/sd'), 'S', 90_000, 0, 'pid:[4026531836]', process.execPath],
      [104, reading('/mnt/faked'), 'D', 90_000, 65534, 'pid:[4026531836]', process.execPath],
      [105, 'node\0app.js\0', 'D', 90_000, 0, 'pid:[4026531836]', process.execPath],
      [106, 'watchdog: reading /mnt/retitled\0\0\0', 'D', 90_000, 0, 'pid:[4026531836]', process.execPath],
      // Root in a container (another PID namespace) naming itself a reader, asleep as a vfork parent is.
      [107, reading('/mnt/container'), 'D', 90_000, 0, 'pid:[4026532177]', process.execPath],
      // A setuid program run with a chosen argv[0]: another executable.
      [108, reading('/mnt/setuid'), 'D', 90_000, 0, 'pid:[4026531836]', '/bin/sh'],
    ];
    for (const [pid, cmdline, state, start, uid, namespace, executable] of entries) {
      const dir = join(proc, String(pid));
      mkdirSync(join(dir, 'ns'), { recursive: true });
      writeFileSync(join(dir, 'cmdline'), cmdline);
      const fields = [state, 1, pid, pid, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20, 0, 1, 0, start, 0, 0];
      writeFileSync(join(dir, 'stat'), `${pid} (node) ${fields.join(' ')}\n`);
      symlinkSync(namespace, join(dir, 'ns/pid'));
      symlinkSync(executable, join(dir, 'exe'));
      symlinkSync('/', join(dir, 'root'));
      chownSync(dir, uid, uid);
    }
    assert.deepEqual([...waitingReaders(proc, 5000)], [['/mnt/nfs', { pid: 101, waitedSeconds: 100 }]]);
  });

  it('knows the folder of a reader by its one argument after the reader argument', () => {
    const cases: [string | undefined, string | undefined][] = [
      ['/usr/bin/node\0/opt/w/bin.js\0__read-filesystems\0/mnt/nfs\0', '/mnt/nfs'],
      ['/usr/bin/node\0/opt/w/bin.js\0__read-filesystems\0/mnt/with space\0', '/mnt/with space'],
      ['/usr/bin/node\0/opt/w/bin.js\0__read-filesystems\0/a\0/b\0', undefined],
      ['/usr/bin/node\0/opt/w/bin.js\0__read-filesystems\0', undefined],
      ['__read-filesystems\0/mnt/nfs\0', undefined],
      ['watchdog: reading /mnt/nfs\0\0\0', undefined],
      ['', undefined],
      [undefined, undefined],
    ];
    for (const [cmdline, folder] of cases) assert.equal(readerFolderOf(cmdline), folder, JSON.stringify(cmdline));
  });
});
