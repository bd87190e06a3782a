// Reads our heartbeat with Python exactly as the Python Watchdog (and any Python
// tool built on the same format) does. Without python3 these fail, never skip: `npm test`
// checks for it first (apt-get install -y python3).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { HeartbeatWriter } from '../src/index.js';
import { makeTempDir } from './helpers/temp-dir.js';

const hasPython = spawnSync('python3', ['--version']).status === 0;
/** Fails the test, naming the package, when python3 is missing: a skip would hide it. */
function requirePython(): void {
  assert.ok(hasPython, 'python3 is not installed (apt-get install -y python3)');
}

const READER = String.raw`
import json, sys, uuid
from datetime import datetime, timezone

def check(ok, message):
    if not ok:
        sys.exit("mismatch: " + message)

path, expected_key, expected_status, expected_iteration = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
written_after_ms, written_before_ms = int(sys.argv[5]), int(sys.argv[6])
with open(path) as f:
    d = json.load(f)
check(list(d) == ["process_key", "pid", "timestamp", "status", "iteration", "pid_start_ticks", "boot_id"], "keys " + repr(list(d)))
check(type(d["process_key"]) is str and d["process_key"] == expected_key, "process_key " + repr(d["process_key"]))
check(type(d["pid"]) is int and d["pid"] > 1, "pid " + repr(d["pid"]))
check(type(d["status"]) is str and d["status"] == expected_status, "status " + repr(d["status"]))
check(type(d["iteration"]) is int and d["iteration"] == expected_iteration, "iteration " + repr(d["iteration"]))
check(type(d["timestamp"]) is str, "timestamp type")
ts = datetime.fromisoformat(d["timestamp"])
check(ts.tzinfo is not None, "naive timestamp")
check(ts.utcoffset().total_seconds() == 0, "not UTC")
# Python's own spelling, which is also all that fromisoformat accepts before 3.11.
check(ts.isoformat(timespec="microseconds") == d["timestamp"], "not isoformat: " + d["timestamp"])
# The instant of the beat: between the writer's clock readings around it.
ts_ms = round(ts.timestamp() * 1000)
check(written_after_ms <= ts_ms <= written_before_ms, "timestamp is not the time of the beat: " + d["timestamp"])
with open(path, "rb") as f:
    raw = f.read()
check(raw == json.dumps(d).encode("ascii"), "bytes differ from json.dumps: " + repr(raw))
# The writer's identity, read here from procfs as a Python watchdog would: field 22
# of /proc/<pid>/stat (split after the last ")", the name may hold one) and the boot ID.
with open("/proc/%d/stat" % d["pid"]) as f:
    start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
with open("/proc/sys/kernel/random/boot_id") as f:
    boot_id = f.read().strip()
check(type(d["pid_start_ticks"]) is int and d["pid_start_ticks"] == start_ticks, "pid_start_ticks " + repr(d["pid_start_ticks"]))
check(type(d["boot_id"]) is str and d["boot_id"] == boot_id, "boot_id " + repr(d["boot_id"]))
check(str(uuid.UUID(d["boot_id"])) == d["boot_id"], "boot_id is not a UUID: " + d["boot_id"])
print(d["pid"])
`;

/** Runs the Python reader; `window` brackets the time of the last beat, in ms since the epoch. */
function readWithPython(path: string, key: string, status: string, iteration: number, window: [number, number]) {
  return spawnSync(
    'python3',
    ['-c', READER, path, key, status, String(iteration), String(window[0]), String(window[1])],
    {
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
}

test('python3 reads the file like the Python Watchdog', (t) => {
  requirePython();
  const dir = makeTempDir(t);
  const writer = new HeartbeatWriter({ heartbeatDir: dir, processKey: 'py_reader' });
  writer.beat();
  const before = Date.now();
  writer.beat('error');
  const result = readWithPython(writer.heartbeatPath, 'py_reader', 'error', 2, [before, Date.now()]);
  assert.equal(result.status, 0, `python3 rejected the file: ${result.stderr}`);
  assert.equal(result.stdout.trim(), String(process.pid));
});

test('python3 reads a non-ASCII process key', (t) => {
  requirePython();
  const dir = makeTempDir(t);
  const writer = new HeartbeatWriter({ heartbeatDir: dir, processKey: 'pompe_é', filename: 'pompe.json' });
  const before = Date.now();
  writer.beat();
  const result = readWithPython(writer.heartbeatPath, 'pompe_é', 'running', 1, [before, Date.now()]);
  assert.equal(result.status, 0, `python3 rejected the file: ${result.stderr}`);
});

test('the Python check itself fails on a mismatch', (t) => {
  requirePython();
  const dir = makeTempDir(t);
  const writer = new HeartbeatWriter({ heartbeatDir: dir, processKey: 'py_reader' });
  const before = Date.now();
  writer.beat();
  const result = readWithPython(writer.heartbeatPath, 'py_reader', 'running', 7, [before, Date.now()]);
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, /mismatch: iteration 1/);
});
