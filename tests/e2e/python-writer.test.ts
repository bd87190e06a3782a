// The single-file Python writer (heartbeat-writer/python/watchdog_heartbeat.py) against the
// built watchdog: a Python app beating with it is healthy, its start time checked; a beat
// whose identity is not the beating process makes the watchdog distrust the PID, though
// that PID is alive; after stop() there is no heartbeat. Nothing here signals a process:
// every check stays below the threshold of 2.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { CheckHistoryRow } from '../../src/store/read-state.js';
import { onCleanup } from '../helpers/cleanup.js';
import { writeConfig } from '../helpers/config-files.js';
import { runWatchdog } from '../helpers/run-watchdog.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const PYTHON_DIR = fileURLToPath(new URL('../../heartbeat-writer/python', import.meta.url));

/**
 * A Python app that beats every 100 ms with the writer from its work loop until its stdin
 * says `stop` (then it calls stop() and idles) or closes (then it exits). `setup` runs
 * first, with the module imported as `wh`.
 */
const APP = String.raw`
import os, sys, threading, time
import watchdog_heartbeat as wh
exec(sys.argv[3])
writer = wh.HeartbeatWriter(heartbeat_dir=sys.argv[1], process_key=sys.argv[2])
stopping = threading.Event()
def watch_stdin():
    for line in sys.stdin:
        if line.strip() == "stop":
            stopping.set()
    os._exit(0)
threading.Thread(target=watch_stdin, daemon=True).start()
writer.beat()
print("beating", flush=True)
while not stopping.wait(0.1):
    writer.beat()
writer.stop()
print("stopped", flush=True)
while True:
    time.sleep(1)
`;

interface PythonApp {
  pid: number;
  /** The next line the app prints. */
  nextLine: () => Promise<string>;
  send: (line: string) => void;
}

async function startPythonApp(dir: string, key: string, setup = 'pass'): Promise<PythonApp> {
  const child = spawn('python3', ['-B', '-c', APP, dir, key, setup], {
    env: { ...process.env, PYTHONPATH: PYTHON_DIR },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const nextLine = async (): Promise<string> => String((await lines.next()).value);
  assert.equal(await nextLine(), 'beating');
  if (child.pid === undefined) throw new Error('python3 did not start');
  return { pid: child.pid, nextLine, send: (line) => child.stdin.write(`${line}\n`) };
}

function lastCheck(dbPath: string): CheckHistoryRow | undefined {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare<[], CheckHistoryRow>('SELECT * FROM check_history ORDER BY id DESC LIMIT 1').get();
  } finally {
    db.close();
  }
}

async function checkAndStatus(dir: string): Promise<{ state: string; reason: string; identity: string | null }> {
  const check = await runWatchdog(['check'], { cwd: dir });
  assert.deepEqual(check, { code: 0, stdout: '', stderr: '' });
  const status = await runWatchdog(['status', '--json'], { cwd: dir });
  assert.equal(status.code, 0, status.stderr);
  const [entry] = (
    JSON.parse(status.stdout) as { processes: { state: string; reason: string; identity: string | null }[] }
  ).processes;
  assert.ok(entry !== undefined);
  return { state: entry.state, reason: entry.reason, identity: entry.identity };
}

function startTicksOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[22 - 3]);
}

describe('the Python heartbeat writer, judged by the watchdog', () => {
  it('is healthy, its start time checked, and recorded with its PID', async () => {
    const dir = makeTempDir();
    const app = await startPythonApp(join(dir, 'run'), 'py_app');
    writeConfig(dir, { py_app: { heartbeat_path: 'run/py_app.json' } });

    const status = await checkAndStatus(dir);

    assert.equal(status.state, 'healthy', status.reason);
    assert.equal(status.identity, 'start time', 'the PID was checked against the start time the writer recorded');
    const row = lastCheck(join(dir, 'watchdog.db'));
    assert.equal(row?.health, 'healthy');
    assert.equal(row?.pid, app.pid);
    assert.equal(row?.identity, 'start_time');
    const beat = JSON.parse(readFileSync(join(dir, 'run', 'py_app.json'), 'utf8')) as { pid_start_ticks: number };
    assert.equal(beat.pid_start_ticks, startTicksOf(app.pid));
  });

  it('distrusts the live PID when the recorded start time is not its own', async () => {
    const dir = makeTempDir();
    // As if the beat came from an earlier process that had this PID.
    const app = await startPythonApp(
      join(dir, 'run'),
      'py_app',
      'real = wh.read_process_identity()\nwh.read_process_identity = lambda: dict(real, pid_start_ticks=real["pid_start_ticks"] + 1)',
    );
    writeConfig(dir, { py_app: { heartbeat_path: 'run/py_app.json' } });

    const status = await checkAndStatus(dir);

    assert.equal(status.state, 'stale_pid');
    assert.equal(
      status.reason,
      `PID ${app.pid} is another process: it started at tick ${startTicksOf(app.pid)}, the heartbeat's writer at tick ${startTicksOf(app.pid) + 1} (PID reused)`,
    );
  });

  it('distrusts the live PID when the recorded boot is another one', async () => {
    const dir = makeTempDir();
    const app = await startPythonApp(
      join(dir, 'run'),
      'py_app',
      'real = wh.read_process_identity()\nwh.read_process_identity = lambda: dict(real, boot_id="00000000-0000-4000-8000-000000000000")',
    );
    writeConfig(dir, { py_app: { heartbeat_path: 'run/py_app.json' } });

    const status = await checkAndStatus(dir);

    assert.equal(status.state, 'stale_pid');
    assert.match(
      status.reason,
      new RegExp(`^PID ${app.pid} is not the app: its heartbeat was written before the last reboot`),
    );
  });

  it('has no heartbeat after stop()', async () => {
    const dir = makeTempDir();
    const app = await startPythonApp(join(dir, 'run'), 'py_app');
    writeConfig(dir, { py_app: { heartbeat_path: 'run/py_app.json' } });
    app.send('stop');
    assert.equal(await app.nextLine(), 'stopped');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(existsSync(join(dir, 'run', 'py_app.json')), false, 'no beat after stop()');

    const status = await checkAndStatus(dir);

    assert.equal(status.state, 'no_heartbeat');
  });
});
