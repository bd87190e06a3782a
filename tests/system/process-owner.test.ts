import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import {
  COMMAND_LINE_MAX_BYTES,
  readCommandLine,
  readCommandLineRead,
  readProcessUids,
  uidsFromStatus,
  type ProcessUids,
} from '../../src/system/process-owner.js';
import { onCleanup } from '../helpers/cleanup.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const STATUS = (uidLine: string): string =>
  `Name:\tapp\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t4321\nPid:\t4321\nPPid:\t1\n${uidLine}\nGid:\t1000\t1000\t1000\t1000\n`;

describe('uidsFromStatus', () => {
  const cases: [string, string, ProcessUids | undefined][] = [
    ['real and effective the same', STATUS('Uid:\t1000\t1000\t1000\t1000'), { real: 1000, effective: 1000 }],
    ['a setuid program: real and effective differ', STATUS('Uid:\t1000\t0\t0\t0'), { real: 1000, effective: 0 }],
    ['root', STATUS('Uid:\t0\t0\t0\t0'), { real: 0, effective: 0 }],
    ['nobody', STATUS('Uid:\t65534\t65534\t65534\t65534'), { real: 65534, effective: 65534 }],
    ['spaces instead of tabs', STATUS('Uid:   7 8 9 10'), { real: 7, effective: 8 }],
    ['no Uid line', STATUS('Gid:\t0\t0\t0\t0'), undefined],
    ['a Uid line that is not numbers', STATUS('Uid:\tabc\tdef'), undefined],
    ['only one uid', STATUS('Uid:\t1000'), undefined],
    ['a Uid: not at the start of a line', 'Name:\tUid:\t0\t0\n', undefined],
    ['empty text', '', undefined],
  ];
  for (const [name, text, expected] of cases) {
    it(name, () => {
      assert.deepEqual(uidsFromStatus(text), expected);
    });
  }
});

describe('readProcessUids and readCommandLine on a fake /proc', () => {
  /** A fake procfs root with one process per entry. */
  function fakeProc(processes: Record<number, { status?: string; cmdline?: string | Buffer }>): string {
    const root = makeTempDir('watchdog-fake-proc-');
    for (const [pid, files] of Object.entries(processes)) {
      mkdirSync(join(root, pid));
      if (files.status !== undefined) writeFileSync(join(root, pid, 'status'), files.status);
      if (files.cmdline !== undefined) writeFileSync(join(root, pid, 'cmdline'), files.cmdline);
    }
    return root;
  }

  const proc = (): string =>
    fakeProc({
      4321: {
        status: STATUS('Uid:\t1000\t1001\t1001\t1001'),
        cmdline: '/usr/bin/node\0/srv/app/server.js\0--name\0my app\0',
      },
      4322: { status: STATUS('Uid:\t0\t0\t0\t0'), cmdline: '' },
      4323: { cmdline: 'sh\0-c\0sleep 5\0\0\0' },
      4324: { cmdline: 'no-trailing-nul' },
    });

  it('reads who a process runs as', () => {
    const root = proc();
    assert.deepEqual(readProcessUids(4321, root), { real: 1000, effective: 1001 });
    assert.deepEqual(readProcessUids(4322, root), { real: 0, effective: 0 });
  });

  it('joins the arguments of a command line with spaces, without the trailing NULs', () => {
    const root = proc();
    assert.equal(readCommandLine(4321, root), '/usr/bin/node /srv/app/server.js --name my app');
    assert.equal(readCommandLine(4323, root), 'sh -c sleep 5');
    assert.equal(readCommandLine(4324, root), 'no-trailing-nul');
  });

  it('reads only the first 4096 bytes of a long command line, as pgrep -f does', () => {
    const root = fakeProc({ 4400: { cmdline: `sh\0-c\0sleep 300\0${'x'.repeat(2_000_000)}\0` } });
    const text = readCommandLine(4400, root);
    assert.equal(Buffer.byteLength(text ?? ''), COMMAND_LINE_MAX_BYTES);
    assert.equal(text, `sh -c sleep 300 ${'x'.repeat(COMMAND_LINE_MAX_BYTES - 'sh -c sleep 300 '.length)}`);
  });

  it('says a command line was cut when its arguments go on past 4096 bytes, and not when it ends there', () => {
    const exact = `sh\0-c\0${'y'.repeat(COMMAND_LINE_MAX_BYTES - 'sh\0-c\0'.length - 1)}\0`;
    assert.equal(Buffer.byteLength(exact), COMMAND_LINE_MAX_BYTES);
    const root = fakeProc({
      4400: { cmdline: `sh\0-c\0sleep 300\0${'x'.repeat(5000)}\0Main\0` },
      4401: { cmdline: exact },
      4402: { cmdline: `${exact}z\0` },
    });
    const cut = readCommandLineRead(4400, root);
    assert.equal(cut?.cut, true);
    assert.equal(Buffer.byteLength(cut?.text ?? ''), COMMAND_LINE_MAX_BYTES);
    assert.deepEqual(readCommandLineRead(4401, root), { text: exact.slice(0, -1).replaceAll('\0', ' '), cut: false });
    assert.equal(readCommandLineRead(4402, root)?.cut, true, 'one byte past the cut');
    assert.deepEqual(readCommandLineRead(4322, proc()), { text: '', cut: false });
    assert.equal(readCommandLineRead(9999, root), undefined);
  });

  it('an empty command line (a kernel thread or a zombie) is empty, not missing', () => {
    assert.equal(readCommandLine(4322, proc()), '');
  });

  it('no such process: undefined', () => {
    const root = proc();
    assert.equal(readCommandLine(9999, root), undefined);
    assert.equal(readProcessUids(9999, root), undefined);
    assert.equal(readProcessUids(4323, root), undefined, 'a process whose status is gone');
  });

  for (const pid of [0, -1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 2]) {
    it(`PID ${pid} is never read: undefined`, () => {
      const root = proc();
      assert.equal(readCommandLine(pid, root), undefined);
      assert.equal(readProcessUids(pid, root), undefined);
    });
  }

  it('throws on other read errors (procfs itself unusable)', () => {
    const root = fakeProc({ 4400: {} });
    mkdirSync(join(root, '4400', 'cmdline'));
    mkdirSync(join(root, '4400', 'status'));
    assert.throws(() => readCommandLine(4400, root), { code: 'EISDIR' });
    assert.throws(() => readProcessUids(4400, root), { code: 'EISDIR' });
  });
});

describe('readProcessUids and readCommandLine on the real /proc', () => {
  it('reads the test’s own process', () => {
    assert.deepEqual(readProcessUids(process.pid), { real: process.getuid?.(), effective: process.geteuid?.() });
    const commandLine = readCommandLine(process.pid) ?? '';
    assert.ok(commandLine.includes(basename(process.execPath)), `the command line names node: ${commandLine}`);
    assert.ok(commandLine.includes('process-owner.test.ts'), `the command line names this test file: ${commandLine}`);
  });

  it('reads a child the test started, exactly', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const exited = once(child, 'exit');
    onCleanup(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    });
    await once(child, 'spawn');
    const pid = child.pid ?? 0;
    assert.ok(pid > 1, 'the child has a PID');
    // spawn returns before exec: wait until /proc shows sleep's own command line.
    const deadline = Date.now() + 10_000;
    while (readCommandLine(pid) !== 'sleep 30' && Date.now() < deadline) await sleep(10);
    assert.equal(readCommandLine(pid), 'sleep 30');
    assert.deepEqual(readProcessUids(pid), { real: process.getuid?.(), effective: process.geteuid?.() });
  });

  it('says a Java-style command line whose identifying argument is past byte 4096 was cut (review 2, finding 1)', async () => {
    const classpath = Array.from({ length: 120 }, (_, i) => `/opt/gateway/lib/dependency-${i}-1.2.3.jar`).join(':');
    const child = spawn(
      process.execPath,
      ['-e', 'setInterval(() => {}, 1e9)', '--', '-cp', classpath, 'com.example.Gateway'],
      {
        stdio: 'ignore',
      },
    );
    const exited = once(child, 'exit');
    onCleanup(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    });
    await once(child, 'spawn');
    const pid = child.pid ?? 0;
    const deadline = Date.now() + 10_000;
    while (!(readCommandLine(pid) ?? '').includes('-cp') && Date.now() < deadline) await sleep(10);
    const read = readCommandLineRead(pid);
    assert.equal(read?.cut, true, 'the line goes on past what is read');
    assert.doesNotMatch(read?.text ?? '', /com\.example\.Gateway/, 'the main class is past the cut');
    assert.match(read?.text ?? '', /dependency-0-1\.2\.3\.jar/);
  });

  it('a PID that is not running: undefined', () => {
    // PID_MAX_LIMIT on 64-bit is 4194304: no process has a PID above it.
    assert.equal(readCommandLine(4_194_305), undefined);
    assert.equal(readProcessUids(4_194_305), undefined);
  });
});
