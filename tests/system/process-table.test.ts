import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { livenessFromStatus, procfsProcessTable, type ProcessLiveness } from '../../src/system/process-table.js';

/** A `/proc/PID/status` text as Linux writes it (abridged). */
function statusText(pid: number, state: string, tgid = pid, name = 'app'): string {
  return [
    `Name:\t${name}`,
    'Umask:\t0022',
    `State:\t${state}`,
    `Tgid:\t${tgid}`,
    'Ngid:\t0',
    `Pid:\t${pid}`,
    'PPid:\t1',
    'Threads:\t1',
    '',
  ].join('\n');
}

describe('livenessFromStatus', () => {
  const cases: [status: string, expected: ProcessLiveness][] = [
    [statusText(1234, 'S (sleeping)'), 'alive'],
    [statusText(1234, 'R (running)'), 'alive'],
    [statusText(1234, 'D (disk sleep)'), 'alive'],
    [statusText(1234, 'T (stopped)'), 'alive'],
    [statusText(1234, 'I (idle)'), 'alive'],
    [statusText(1234, 'Z (zombie)'), 'zombie'],
    [statusText(1234, 'X (dead)'), 'dead'],
    [statusText(1234, 'S (sleeping)', 1200), 'thread'],
    [statusText(1234, 'Z (zombie)', 1200), 'thread'],
    // The name may hold spaces and parentheses (the kernel escapes newlines in it).
    [statusText(1234, 'S (sleeping)', 1234, 'a) Z (b'), 'alive'],
  ];
  for (const [status, expected] of cases) {
    it(`${JSON.stringify(
      status
        .split('\n')
        .filter((line) => /^(State|Tgid)/.test(line))
        .join(' '),
    )} → ${expected}`, () => {
      assert.equal(livenessFromStatus(status, 1234), expected);
    });
  }

  it('refuses to guess from a text without a state or thread group', () => {
    for (const text of ['', 'Name:\tapp\n', 'State:\tS (sleeping)\n', 'Tgid:\t1234\n']) {
      assert.throws(() => livenessFromStatus(text, 1234), /cannot read the state of PID 1234/);
    }
  });
});

describe('procfsProcessTable on a fake proc root', () => {
  let root: string;

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'watchdog-proc-'));
    const statuses: Record<string, string> = {
      '100': statusText(100, 'S (sleeping)'),
      '200': statusText(200, 'Z (zombie)'),
      '300': statusText(300, 'X (dead)'),
      '400': statusText(400, 'R (running)', 100),
    };
    for (const [pid, status] of Object.entries(statuses)) {
      mkdirSync(join(root, pid));
      writeFileSync(join(root, pid, 'status'), status);
    }
    // A PID folder without a status file: the process went away while being read.
    mkdirSync(join(root, '500'));
    // A status that is a folder: not a procfs this code understands.
    mkdirSync(join(root, '600', 'status'), { recursive: true });
  });

  after(() => {
    rmSync(root, { recursive: true, force: true });
  });

  const cases: [pid: number, expected: ProcessLiveness][] = [
    [100, 'alive'],
    [200, 'zombie'],
    [300, 'dead'],
    [400, 'thread'],
    [500, 'dead'],
    [999, 'dead'],
  ];
  for (const [pid, expected] of cases) {
    it(`PID ${pid} → ${expected}`, () => {
      assert.equal(procfsProcessTable(root).liveness(pid), expected);
    });
  }

  it('rethrows errors other than a missing process', () => {
    assert.throws(() => procfsProcessTable(root).liveness(600), { code: 'EISDIR' });
  });
});

describe('procfsProcessTable on the real /proc', () => {
  const table = procfsProcessTable();
  const started: ChildProcess[] = [];

  after(async () => {
    for (const child of started) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      }
    }
  });

  it('sees this process alive', () => {
    assert.equal(table.liveness(process.pid), 'alive');
  });

  it('sees a child alive, then dead once it is killed and reaped', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    started.push(child);
    await once(child, 'spawn');
    const pid = child.pid;
    assert.ok(pid !== undefined);
    assert.equal(table.liveness(pid), 'alive');

    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code, signal] = await exited;
    assert.equal(code, null);
    assert.equal(signal, 'SIGTERM');
    // Node has reaped the child by the time 'exit' fires.
    assert.equal(table.liveness(pid), 'dead');
  });

  it('sees a zombie as a zombie', async () => {
    // A Node child spawns `true`, prints its PID, then blocks its event loop on a
    // synchronous read of stdin: libuv cannot reap `true`, which stays a zombie until
    // stdin closes and the loop runs again.
    const script = `
      const { spawn } = require('node:child_process');
      const { readSync } = require('node:fs');
      const child = spawn('true', { stdio: 'ignore' });
      process.stdout.write(child.pid + '\\n');
      readSync(0, Buffer.alloc(1), 0, 1, null);
    `;
    const parent = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
    started.push(parent);
    const [chunk] = (await once(parent.stdout, 'data')) as [Buffer];
    const zombiePid = Number(chunk.toString().trim());
    assert.ok(Number.isInteger(zombiePid) && zombiePid > 1, `bad PID line ${JSON.stringify(chunk.toString())}`);

    // Wait for `true` to exit; this is a wait, not an assertion on time.
    const deadline = Date.now() + 10_000;
    while (!/\) Z /.test(readFileSync(`/proc/${zombiePid}/stat`, 'utf8'))) {
      assert.ok(Date.now() < deadline, 'the child of the child never became a zombie');
      await sleep(10);
    }
    assert.equal(table.liveness(zombiePid), 'zombie');

    const exited = once(parent, 'exit');
    parent.stdin.end('x');
    const [code] = await exited;
    assert.equal(code, 0);
    assert.equal(table.liveness(zombiePid), 'dead');
  });

  // /proc/TID exists for every thread, though only processes are listed: a dead app's
  // PID reused as a thread ID of an unrelated process must not look like the app.
  it('does not take a thread ID for a live process', () => {
    const tid = readdirSync('/proc/self/task')
      .map(Number)
      .find((id) => id !== process.pid);
    assert.ok(tid !== undefined, 'this Node process has more than one thread');
    assert.equal(table.liveness(tid), 'thread');
  });

  it('calls PIDs that cannot exist dead', () => {
    for (const pid of [-1, 0, 2 ** 40]) assert.equal(table.liveness(pid), 'dead', String(pid));
  });
});
