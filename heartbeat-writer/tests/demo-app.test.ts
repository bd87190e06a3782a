// Drives examples/demo-app.mjs as a real child process. It imports the built
// package, so it needs `npm run build` first (`npm test` runs it as pretest).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { readHeartbeat } from './helpers/read-heartbeat.js';
import { makeTempDir } from './helpers/temp-dir.js';
import { waitFor } from './helpers/wait-for.js';

const demoApp = join(dirname(dirname(fileURLToPath(import.meta.url))), 'examples', 'demo-app.mjs');

interface Demo {
  child: ChildProcess;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
  stdout: () => string;
}

/** Starts the demo app; it is killed after the test if it is still running. */
function startDemo(t: TestContext, args: string[]): Demo {
  const child = spawn(process.execPath, [demoApp, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  return { child, exited, stdout: () => stdout };
}

function iterationOf(path: string): number | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return readHeartbeat(path).iteration as number;
  } catch {
    return undefined; // not there yet
  }
}

test('beats while it works; SIGTERM removes the file and exits 0', async (t) => {
  const dir = makeTempDir(t);
  const path = join(dir, 'demo_app.json');
  const demo = startDemo(t, ['--heartbeat-dir', dir, '--key', 'demo_app', '--interval-ms', '20']);
  const first = await waitFor('a first heartbeat', () => iterationOf(path));
  await waitFor('more iterations', () => ((iterationOf(path) ?? 0) >= first + 3 ? true : undefined));
  const record = readHeartbeat(path);
  assert.equal(record.process_key, 'demo_app');
  assert.equal(record.pid, demo.child.pid);
  assert.equal(record.status, 'running');
  assert.match(
    demo.stdout(),
    new RegExp(`pid ${String(demo.child.pid)}, heartbeat ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
  );
  demo.child.kill('SIGTERM');
  assert.deepEqual(await demo.exited, [0, null]);
  assert.equal(existsSync(path), false);
});

test('--hang-after stops the beats while the process keeps running', async (t) => {
  const dir = makeTempDir(t);
  const path = join(dir, 'hung.json');
  const demo = startDemo(t, ['--heartbeat-dir', dir, '--key', 'hung', '--interval-ms', '10', '--hang-after', '3']);
  await waitFor('iteration 3', () => (iterationOf(path) === 3 ? true : undefined));
  const { timestamp } = readHeartbeat(path);
  await sleep(300); // 30 intervals
  assert.equal(demo.child.exitCode, null, 'still running');
  const after = readHeartbeat(path);
  assert.equal(after.iteration, 3);
  assert.equal(after.timestamp, timestamp, 'not rewritten since');
  demo.child.kill('SIGTERM');
  assert.deepEqual(await demo.exited, [0, null]);
  assert.equal(existsSync(path), false);
});

test('--ignore-sigterm logs SIGTERM and keeps beating until SIGKILL', async (t) => {
  const dir = makeTempDir(t);
  const path = join(dir, 'stubborn.json');
  const demo = startDemo(t, ['--heartbeat-dir', dir, '--key', 'stubborn', '--interval-ms', '10', '--ignore-sigterm']);
  await waitFor('a first heartbeat', () => iterationOf(path));
  demo.child.kill('SIGTERM');
  await waitFor('"SIGTERM ignored" on stdout', () =>
    demo.stdout().includes('demo-app: SIGTERM ignored\n') ? true : undefined,
  );
  const atSigterm = iterationOf(path) ?? 0;
  await waitFor('beats after SIGTERM', () => ((iterationOf(path) ?? 0) >= atSigterm + 3 ? true : undefined));
  assert.equal(demo.child.exitCode, null, 'still running');
  assert.equal(readHeartbeat(path).status, 'running');
  demo.child.kill('SIGKILL');
  assert.deepEqual(await demo.exited, [null, 'SIGKILL']);
  assert.equal(existsSync(path), true, 'SIGKILL leaves the heartbeat behind');
  assert.doesNotMatch(demo.stdout(), /heartbeat removed/);
});

test('--exit-after exits 0 and leaves the heartbeat behind', async (t) => {
  const dir = makeTempDir(t);
  const path = join(dir, 'crasher.json');
  const demo = startDemo(t, ['--heartbeat-dir', dir, '--key', 'crasher', '--interval-ms', '10', '--exit-after', '3']);
  assert.deepEqual(await demo.exited, [0, null]);
  const record = readHeartbeat(path);
  assert.equal(record.iteration, 3);
  assert.equal(record.pid, demo.child.pid);
});

test('--error-after switches the status to "error" from that beat on', async (t) => {
  const dir = makeTempDir(t);
  const path = join(dir, 'sick.json');
  const args = ['--heartbeat-dir', dir, '--key', 'sick', '--interval-ms', '10', '--error-after', '3'];
  const demo = startDemo(t, [...args, '--exit-after', '2']);
  assert.deepEqual(await demo.exited, [0, null]);
  assert.equal(readHeartbeat(path).status, 'running', 'beat 2 is still healthy');
  const sick = startDemo(t, [...args, '--exit-after', '4']);
  assert.deepEqual(await sick.exited, [0, null]);
  assert.deepEqual([readHeartbeat(path).iteration, readHeartbeat(path).status], [4, 'error']);
});

test('--status beats with that status until --error-after', async (t) => {
  const dir = makeTempDir(t);
  const path = join(dir, 'tired.json');
  const args = [
    '--heartbeat-dir',
    dir,
    '--key',
    'tired',
    '--interval-ms',
    '10',
    '--status',
    'degraded',
    '--error-after',
    '3',
  ];
  const demo = startDemo(t, [...args, '--exit-after', '2']);
  assert.deepEqual(await demo.exited, [0, null]);
  assert.deepEqual([readHeartbeat(path).iteration, readHeartbeat(path).status], [2, 'degraded']);
  const sick = startDemo(t, [...args, '--exit-after', '3']);
  assert.deepEqual(await sick.exited, [0, null]);
  assert.deepEqual([readHeartbeat(path).iteration, readHeartbeat(path).status], [3, 'error']);
});

const badArguments: ReadonlyArray<readonly [string, string[], RegExp]> = [
  ['missing --key', ['--heartbeat-dir', '/nonexistent'], /--key is required/],
  ['missing --heartbeat-dir', ['--key', 'k'], /--heartbeat-dir is required/],
  [
    'a non-numeric interval',
    ['--heartbeat-dir', '/nonexistent', '--key', 'k', '--interval-ms', 'soon'],
    /--interval-ms must be an integer >= 1/,
  ],
  [
    'a zero interval',
    ['--heartbeat-dir', '/nonexistent', '--key', 'k', '--interval-ms', '0'],
    /--interval-ms must be an integer >= 1/,
  ],
  ['an empty status', ['--heartbeat-dir', '/nonexistent', '--key', 'k', '--status', ''], /--status must not be empty/],
  ['an unknown flag', ['--heartbeat-dir', '/nonexistent', '--key', 'k', '--bogus'], /Unknown option '--bogus'/],
  ['a key that is a path', ['--heartbeat-dir', '/nonexistent', '--key', '../k'], /plain file name/],
];
for (const [name, args, message] of badArguments) {
  test(`bad arguments (${name}): message on stderr, exit 2, no file`, () => {
    const result = spawnSync(process.execPath, [demoApp, ...args], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(result.status, 2);
    assert.match(result.stderr, message);
    assert.match(result.stderr, /usage: demo-app\.mjs/);
    assert.equal(result.stdout, '');
    assert.equal(existsSync('/nonexistent'), false);
  });
}
