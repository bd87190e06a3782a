import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readProcStat } from '../../src/system/proc-stat.js';
import { parseRssBytes, parseStatTimes, readProcessUsage } from '../../src/system/process-usage.js';
import { killProcessOnCleanup, waitUntil } from '../helpers/owned-processes.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const HOG = fileURLToPath(new URL('../fixtures/hog.mjs', import.meta.url));

/** A stat line with utime 150, stime 30, cutime 2, cstime 1 and start time 8801234; a name with `) (` in it. */
function statLine(pid: number, state = 'S'): string {
  return `${pid} (a) (b) ${state} 1 ${pid} ${pid} 34816 4242 4194560 120 0 0 0 150 30 2 1 20 0 1 0 8801234 9437184 512 18446744073709551615 1 1 0 0\n`;
}

describe('parseStatTimes', () => {
  it('sums user and system time with the waited-for children’s, and reads the start time', () => {
    assert.deepEqual(parseStatTimes(statLine(42)), { state: 'S', startTime: 8801234, cpuTicks: 183 });
  });

  it('refuses a line that is not a stat line', () => {
    assert.throws(() => parseStatTimes('42 (app) S 1 2 3'), /cannot parse the times/);
    assert.throws(() => parseStatTimes('nonsense'), /cannot parse the times/);
  });
});

describe('parseRssBytes', () => {
  const cases: [what: string, status: string, expected: number | RegExp][] = [
    ['VmRSS in kB', 'Name:\tapp\nVmRSS:\t  146448 kB\nThreads:\t7\n', 146448 * 1024],
    ['a kernel thread has none', 'Name:\tkthreadd\nThreads:\t1\n', 0],
    ['a line that is not a size', 'VmRSS:\tlots\n', /cannot parse VmRSS/],
  ];
  for (const [what, status, expected] of cases) {
    it(what, () => {
      if (expected instanceof RegExp) assert.throws(() => parseRssBytes(status), expected);
      else assert.equal(parseRssBytes(status), expected);
    });
  }
});

describe('readProcessUsage', () => {
  function fakeProc(entries: Record<number, { stat: string; status: string }>): string {
    const root = makeTempDir();
    for (const [pid, files] of Object.entries(entries)) {
      mkdirSync(join(root, pid));
      writeFileSync(join(root, pid, 'stat'), files.stat);
      writeFileSync(join(root, pid, 'status'), files.status);
    }
    return root;
  }

  it('reads a process of a fake procfs; a zombie or a missing process has none', () => {
    const root = fakeProc({
      42: { stat: statLine(42), status: 'VmRSS:\t2048 kB\n' },
      43: { stat: statLine(43, 'Z'), status: 'Name:\tgone\n' },
    });
    assert.deepEqual(readProcessUsage(42, root), { startTime: 8801234, cpuTicks: 183, rssBytes: 2048 * 1024 });
    assert.equal(readProcessUsage(43, root), undefined);
    assert.equal(readProcessUsage(44, root), undefined);
  });

  it('reads a real process that touched 64 MiB: its resident memory counts them, its start time is its stat’s', async () => {
    const dir = makeTempDir();
    const ready = join(dir, 'ready');
    const hog = spawn(process.execPath, [HOG, '--memory-mb', '64', '--ready', ready], { stdio: 'ignore' });
    await once(hog, 'spawn');
    const pid = hog.pid;
    assert.ok(pid !== undefined);
    killProcessOnCleanup(pid);
    await waitUntil(
      () => readProcStat(pid) !== undefined && (readProcessUsage(pid)?.rssBytes ?? 0) > 64 * 1024 * 1024,
      'the hog to grow',
    );
    const usage = readProcessUsage(pid);
    assert.equal(usage?.startTime, readProcStat(pid)?.startTime);
    assert.ok((usage?.rssBytes ?? 0) < 1024 * 1024 * 1024, `${String(usage?.rssBytes)} bytes`);
  });
});
