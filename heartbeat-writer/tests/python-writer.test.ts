// The single-file Python writer (python/watchdog_heartbeat.py), run by the real python3:
// the Python Watchdog's constructor calls work unchanged, the file is the same bytes as the
// TypeScript writer's, the identity is the Python process's own, stop() ends the beats,
// and a reader never sees half a file. Its verdict by the watchdog itself is in
// tests/e2e/python-writer.test.ts at the repository's root.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { makeTempDir } from './helpers/temp-dir.js';

const PYTHON_DIR = fileURLToPath(new URL('../python', import.meta.url));
const MODULE = join(PYTHON_DIR, 'watchdog_heartbeat.py');

/** Runs a Python snippet that can `import watchdog_heartbeat`; `-B`: no __pycache__ in the work tree. */
function runPython(code: string, args: readonly string[] = [], env: Record<string, string> = {}) {
  const result = spawnSync('python3', ['-B', '-c', code, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, PYTHONPATH: PYTHON_DIR, ...env },
  });
  if (result.error !== undefined) throw result.error;
  return result;
}

function runPythonOk(code: string, args: readonly string[] = []): string {
  const result = runPython(code, args);
  assert.equal(result.status, 0, `python3 failed: ${result.stderr}`);
  return result.stdout;
}

/** Field 22 of /proc/PID/stat and the boot ID, read here, independently of the writer. */
function identityOf(pid: number): { startTicks: number; bootId: string } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    startTicks: Number(fields[22 - 3]),
    bootId: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
  };
}

test('the Python Watchdog constructor calls work unchanged', (t) => {
  const dir = makeTempDir(t);
  // How the Python Watchdog's users create its HeartbeatWriter: keywords, positions, a Path,
  // an explicit file name, heartbeat_filename=None; then beat(), stop(), heartbeat_path
  // (a Path) and iteration_count, as its API has them.
  const out = runPythonOk(
    String.raw`
import sys
from pathlib import Path
from watchdog_heartbeat import HeartbeatWriter
d = sys.argv[1]
writers = [
    HeartbeatWriter(heartbeat_dir=d, process_key="gmail_as_referee"),
    HeartbeatWriter(d, "positional"),
    HeartbeatWriter(heartbeat_dir=Path(d) / "nested", process_key="as_path"),
    HeartbeatWriter(d, "named", heartbeat_filename="named.heartbeat.json"),
    HeartbeatWriter(heartbeat_dir=d, process_key="none_name", heartbeat_filename=None),
    HeartbeatWriter(d, "empty_name", ""),
]
for w in writers:
    w.beat()
    w.beat()
    assert isinstance(w.heartbeat_path, Path), type(w.heartbeat_path)
    assert w.iteration_count == 2, w.iteration_count
    print(w.heartbeat_path)
writers[0].stop()
`,
    [dir],
  );
  assert.deepEqual(out.trim().split('\n'), [
    join(dir, 'gmail_as_referee.json'),
    join(dir, 'positional.json'),
    join(dir, 'nested', 'as_path.json'),
    join(dir, 'named.heartbeat.json'),
    join(dir, 'none_name.json'),
    join(dir, 'empty_name.json'),
  ]);
  assert.equal(existsSync(join(dir, 'gmail_as_referee.json')), false, 'stop() removed it');
  const beat = JSON.parse(readFileSync(join(dir, 'named.heartbeat.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(beat.process_key, 'named');
  assert.equal(beat.iteration, 2);
  assert.equal(beat.status, 'running');
});

test('the file: the five keys, then the writer identity, as json.dumps writes them', (t) => {
  const dir = makeTempDir(t);
  const out = runPythonOk(
    String.raw`
import json, os, sys
from datetime import datetime, timezone
from watchdog_heartbeat import HeartbeatWriter
w = HeartbeatWriter(sys.argv[1], "pompe_\u00e9", "pompe.json")
w.beat()
before = datetime.now(timezone.utc)
w.beat("error")
after = datetime.now(timezone.utc)
raw = open(w.heartbeat_path, "rb").read()
d = json.loads(raw)
assert raw == json.dumps(d).encode("ascii"), raw
ts = datetime.fromisoformat(d["timestamp"])
assert before <= ts <= after, (before, ts, after)
print(json.dumps({"pid": os.getpid(), "raw": raw.decode("ascii")}))
`,
    [dir],
  );
  const { pid, raw } = JSON.parse(out) as { pid: number; raw: string };
  const beat = JSON.parse(raw) as Record<string, unknown>;
  assert.deepEqual(Object.keys(beat), [
    'process_key',
    'pid',
    'timestamp',
    'status',
    'iteration',
    'pid_start_ticks',
    'boot_id',
  ]);
  assert.equal(beat.process_key, 'pompe_é');
  assert.match(raw, /"process_key": "pompe_\\u00e9"/, 'non-ASCII escaped as json.dumps does');
  assert.equal(beat.pid, pid);
  assert.equal(beat.status, 'error');
  assert.equal(beat.iteration, 2);
  // UTC, six fractional digits, +00:00: what the TypeScript writer and the Python tool write.
  assert.match(String(beat.timestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
  assert.equal(typeof beat.pid_start_ticks, 'number');
  assert.match(String(beat.boot_id), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
});

test('the identity is the beating process, a forked child included', async (t) => {
  const dir = makeTempDir(t);
  // Step by step over stdin and stdout, each process holding still while this test reads
  // its /proc entry: the parent beats; then forks, and the child beats the same writer.
  const child = spawn(
    'python3',
    [
      '-B',
      '-c',
      String.raw`
import os, sys
from watchdog_heartbeat import HeartbeatWriter
w = HeartbeatWriter(sys.argv[1], "job")
w.beat()
print("parent", flush=True)
sys.stdin.readline()
kid = os.fork()
if kid == 0:
    w.beat()
    print("child", flush=True)
    sys.stdin.readline()
    os._exit(0)
os.waitpid(kid, 0)
`,
      dir,
    ],
    { env: { ...process.env, PYTHONPATH: PYTHON_DIR }, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  t.after(() => child.kill('SIGKILL'));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const beatNow = (): Record<string, unknown> =>
    JSON.parse(readFileSync(join(dir, 'job.json'), 'utf8')) as Record<string, unknown>;

  assert.equal((await lines.next()).value, 'parent');
  const parentBeat = beatNow();
  assert.equal(parentBeat.pid, child.pid);
  assert.equal(parentBeat.pid_start_ticks, identityOf(child.pid ?? 0).startTicks);
  assert.equal(parentBeat.boot_id, identityOf(child.pid ?? 0).bootId);
  child.stdin.write('\n');

  assert.equal((await lines.next()).value, 'child');
  const childBeat = beatNow();
  assert.notEqual(childBeat.pid, child.pid);
  assert.equal(childBeat.pid_start_ticks, identityOf(Number(childBeat.pid)).startTicks, "the child's own start time");
  assert.equal(childBeat.iteration, 2);
  const exited = once(child, 'exit');
  child.stdin.end('\n');
  assert.deepEqual(await exited, [0, null]);
});

test('stop() removes the file and no beat comes after it: there is no thread', (t) => {
  const dir = makeTempDir(t);
  const out = runPythonOk(
    String.raw`
import os, sys, threading, time
from watchdog_heartbeat import HeartbeatWriter
threads = threading.active_count()
w = HeartbeatWriter(sys.argv[1], "job")
for _ in range(3):
    w.beat()
assert threading.active_count() == threads, "the writer started a thread"
w.stop()
w.stop()  # twice is harmless
time.sleep(0.3)
print(os.path.exists(w.heartbeat_path), sorted(os.listdir(sys.argv[1])))
w.beat()
print(w.iteration_count)
`,
    [dir],
  );
  assert.deepEqual(out.trim().split('\n'), ['False []', '4']);
});

test('a failed beat throws, leaves no temporary file and does not count', (t) => {
  const dir = makeTempDir(t);
  // A folder where the file should be: the rename fails (as root too, unlike a read-only folder).
  mkdirSync(join(dir, 'job.json'));
  const out = runPythonOk(
    String.raw`
import sys
from watchdog_heartbeat import HeartbeatWriter
w = HeartbeatWriter(sys.argv[1], "job")
try:
    w.beat()
except OSError as error:
    print(type(error).__name__, w.iteration_count)
`,
    [dir],
  );
  assert.equal(out.trim(), 'IsADirectoryError 0');
  assert.deepEqual(readdirSync(dir), ['job.json']);
});

test('bad arguments are refused before any file is touched', (t) => {
  const dir = makeTempDir(t);
  const out = runPythonOk(
    String.raw`
import sys
from watchdog_heartbeat import HeartbeatWriter
d = sys.argv[1]
cases = [
    lambda: HeartbeatWriter(d, ""),
    lambda: HeartbeatWriter(d, 42),
    lambda: HeartbeatWriter("", "job"),
    lambda: HeartbeatWriter(d, "job", "../escape.json"),
    lambda: HeartbeatWriter(d, "a/b"),
    lambda: HeartbeatWriter(d, "job").beat(""),
    lambda: HeartbeatWriter(d, "job").beat(None),
]
for case in cases:
    try:
        case()
        print("accepted")
    except (TypeError, ValueError) as error:
        print(type(error).__name__)
`,
    [dir],
  );
  assert.deepEqual(out.trim().split('\n'), [
    'ValueError',
    'TypeError',
    'ValueError',
    'ValueError',
    'ValueError',
    'ValueError',
    'TypeError',
  ]);
  assert.deepEqual(readdirSync(dir), []);
});

test('the file is 0644 and new folders 0755 whatever the umask', (t) => {
  const dir = makeTempDir(t);
  runPythonOk(
    String.raw`
import os, sys
from watchdog_heartbeat import HeartbeatWriter
os.umask(0o077)
HeartbeatWriter(os.path.join(sys.argv[1], "a", "b"), "job").beat()
`,
    [dir],
  );
  assert.equal(statSync(join(dir, 'a')).mode & 0o7777, 0o755);
  assert.equal(statSync(join(dir, 'a', 'b')).mode & 0o7777, 0o755);
  assert.equal(statSync(join(dir, 'a', 'b', 'job.json')).mode & 0o7777, 0o644);
});

/**
 * Beats `beats` times as fast as Python can with `writer` (a snippet defining `beat(i)`),
 * while this process reads the file as often as it can; resolves with what the reads saw.
 */
async function readWhileBeating(dir: string, writer: string, beats: number) {
  const path = join(dir, 'fast.json');
  const child = spawn(
    'python3',
    ['-B', '-c', `import json, os, sys\n${writer}\nfor i in range(1, ${beats} + 1):\n    beat(i)\n`, dir],
    { env: { ...process.env, PYTHONPATH: PYTHON_DIR }, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  let exited = false;
  const done = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exited = true;
      resolve(code);
    }),
  );
  const seen = { reads: 0, partial: 0, iterations: new Set<number>() };
  while (!exited) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      await new Promise((resolve) => setImmediate(resolve));
      continue; // not written yet
    }
    seen.reads += 1;
    try {
      seen.iterations.add((JSON.parse(text) as { iteration: number }).iteration);
    } catch {
      seen.partial += 1;
    }
    if (seen.reads % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return { ...seen, code: await done };
}

test('a reader never sees half a file while the writer beats fast', async (t) => {
  const dir = makeTempDir(t);
  const seen = await readWhileBeating(
    dir,
    'from watchdog_heartbeat import HeartbeatWriter\nw = HeartbeatWriter(sys.argv[1], "fast")\ndef beat(i):\n    w.beat()',
    3000,
  );
  assert.equal(seen.code, 0);
  assert.equal(seen.partial, 0, `${seen.partial} of ${seen.reads} reads saw a partial file`);
  // The reads overlapped the beats: they saw many different iterations, not one.
  assert.ok(seen.iterations.size > 20, `only ${seen.iterations.size} iterations seen in ${seen.reads} reads`);
  assert.deepEqual(readdirSync(dir), ['fast.json'], 'no temporary file left');
});

test('the same reader does see half files from a writer that writes in place', async (t) => {
  // The control: proves the reader above can catch a partial file.
  const dir = makeTempDir(t);
  const seen = await readWhileBeating(
    dir,
    String.raw`
path = os.path.join(sys.argv[1], "fast.json")
def beat(i):
    text = json.dumps({"process_key": "fast", "pid": os.getpid(), "iteration": i, "pad": "x" * 2000})
    with open(path, "w") as f:
        f.write(text[:1000])
        f.flush()
        f.write(text[1000:])`,
    3000,
  );
  assert.equal(seen.code, 0);
  assert.ok(seen.partial > 0, `no partial file in ${seen.reads} reads`);
});

test('the module is Python 3.9 syntax and imports only the standard library', () => {
  const out = runPythonOk(
    String.raw`
import ast, sys
source = open(sys.argv[1]).read()
tree = ast.parse(source, feature_version=(3, 9))
imported = set()
for node in ast.walk(tree):
    if isinstance(node, ast.Import):
        imported.update(alias.name.split(".")[0] for alias in node.names)
    elif isinstance(node, ast.ImportFrom) and node.level == 0:
        imported.add(node.module.split(".")[0])
print(" ".join(sorted(imported)))
`,
    [MODULE],
  );
  assert.deepEqual(out.trim().split(' '), [
    '__future__',
    'datetime',
    'json',
    'os',
    'pathlib',
    're',
    'secrets',
    'threading',
    'typing',
  ]);
});

test('the npm package leaves the Python file out: it is copied, not installed', () => {
  const packageDir = fileURLToPath(new URL('..', import.meta.url));
  const result = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: packageDir,
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(result.status, 0, result.stderr);
  const [pack] = JSON.parse(result.stdout) as [{ files: { path: string }[] }];
  const paths = pack.files.map((file) => file.path);
  assert.ok(paths.includes('dist/esm/index.js'), `the listing is the package's: ${paths.join(', ')}`);
  assert.deepEqual(
    paths.filter((path) => path.endsWith('.py')),
    [],
  );
});
