import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { HeartbeatWriter } from '../src/index.js';
import { serializeHeartbeat } from '../src/serialize-heartbeat.js';
import type { HeartbeatRecord } from '../src/heartbeat-record.js';
import { readOwnIdentity } from './helpers/own-identity.js';
import { readHeartbeat } from './helpers/read-heartbeat.js';
import { makeTempDir } from './helpers/temp-dir.js';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;

describe('HeartbeatWriter: the file', () => {
  test('has the five classic keys, then pid_start_ticks and boot_id, in order, with the right types', (t) => {
    const dir = makeTempDir(t);
    const writer = new HeartbeatWriter({ heartbeatDir: dir, processKey: 'my_server' });
    writer.beat();
    const record = readHeartbeat(join(dir, 'my_server.json'));
    assert.deepEqual(Object.keys(record), [
      'process_key',
      'pid',
      'timestamp',
      'status',
      'iteration',
      'pid_start_ticks',
      'boot_id',
    ]);
    assert.equal(record.process_key, 'my_server');
    assert.equal(record.pid, process.pid);
    assert.equal(record.status, 'running');
    assert.equal(record.iteration, 1);
    assert.equal(typeof record.timestamp, 'string');
    assert.ok(Number.isSafeInteger(record.pid_start_ticks), `pid_start_ticks: ${String(record.pid_start_ticks)}`);
    assert.equal(typeof record.boot_id, 'string');
  });

  test('identifies this process: its start ticks and the boot ID, read independently from /proc', (t) => {
    const dir = makeTempDir(t);
    const own = readOwnIdentity();
    const writer = new HeartbeatWriter({ heartbeatDir: dir, processKey: 'who' });
    writer.beat();
    const first = readHeartbeat(writer.heartbeatPath);
    assert.equal(first.pid_start_ticks, own.startTicks);
    assert.equal(first.boot_id, own.bootId);
    writer.beat('error');
    const second = readHeartbeat(writer.heartbeatPath);
    assert.deepEqual([second.pid_start_ticks, second.boot_id], [own.startTicks, own.bootId], 'every beat carries them');
  });

  test('the bytes are the five classic keys then the identity, as serializeHeartbeat writes them', (t) => {
    const dir = makeTempDir(t);
    const own = readOwnIdentity();
    const writer = new HeartbeatWriter({ heartbeatDir: dir, processKey: 'bytes' });
    writer.beat();
    const text = readFileSync(writer.heartbeatPath, 'utf8');
    const record = JSON.parse(text) as HeartbeatRecord;
    assert.equal(text, serializeHeartbeat(record));
    assert.ok(
      text.endsWith(`, "iteration": 1, "pid_start_ticks": ${String(own.startTicks)}, "boot_id": "${own.bootId}"}`),
      `unexpected tail: ${text}`,
    );
    const classic = serializeHeartbeat({
      process_key: record.process_key,
      pid: record.pid,
      timestamp: record.timestamp,
      status: record.status,
      iteration: record.iteration,
    });
    assert.ok(text.startsWith(classic.slice(0, -1)), `the five classic keys are not first, unchanged: ${text}`);
  });

  test('timestamp is UTC with six fractional digits and +00:00, and is now', (t) => {
    const dir = makeTempDir(t);
    const writer = new HeartbeatWriter({ heartbeatDir: dir, processKey: 'clock' });
    const before = Date.now();
    writer.beat();
    const after = Date.now();
    const { timestamp } = readHeartbeat(writer.heartbeatPath);
    assert.equal(typeof timestamp, 'string');
    assert.match(String(timestamp), TIMESTAMP);
    const parsed = Date.parse(String(timestamp));
    assert.ok(Number.isFinite(parsed), `unparseable: ${String(timestamp)}`);
    // Taken during beat(): between the clock readings around it (the file keeps milliseconds).
    assert.ok(before <= parsed && parsed <= after, `${String(timestamp)} is not the time of the beat`);
  });

  test('status is written as given; an empty or non-string status throws', (t) => {
    const dir = makeTempDir(t);
    const writer = new HeartbeatWriter({ heartbeatDir: dir, processKey: 'status' });
    writer.beat('error');
    assert.equal(readHeartbeat(writer.heartbeatPath).status, 'error');
    assert.throws(() => writer.beat(''), { name: 'TypeError', message: /status must be a non-empty string/ });
    assert.throws(() => writer.beat(42 as unknown as string), { name: 'TypeError', message: /got number/ });
    assert.equal(writer.iterationCount, 1, 'a rejected status is not a beat');
    assert.equal(readHeartbeat(writer.heartbeatPath).status, 'error');
  });

  test('iterations count the beats written, starting at 1', (t) => {
    const dir = makeTempDir(t);
    const writer = new HeartbeatWriter({ heartbeatDir: dir, processKey: 'counter' });
    assert.equal(writer.iterationCount, 0);
    assert.equal(existsSync(writer.heartbeatPath), false, 'the constructor writes nothing');
    for (let expected = 1; expected <= 5; expected += 1) {
      writer.beat();
      assert.equal(writer.iterationCount, expected);
      assert.equal(readHeartbeat(writer.heartbeatPath).iteration, expected);
    }
  });

  test('is mode 0o644 even under umask 0o077, and so is a folder it creates', (t) => {
    const dir = makeTempDir(t);
    const previous = process.umask(0o077);
    try {
      const writer = new HeartbeatWriter({ heartbeatDir: join(dir, 'new', 'nested'), processKey: 'perms' });
      writer.beat();
      assert.equal(statSync(writer.heartbeatPath).mode & 0o777, 0o644);
      assert.equal(statSync(join(dir, 'new')).mode & 0o777, 0o755);
      assert.equal(statSync(join(dir, 'new', 'nested')).mode & 0o777, 0o755);
      writer.beat();
      assert.equal(statSync(writer.heartbeatPath).mode & 0o777, 0o644, 'every beat, not only the first');
    } finally {
      process.umask(previous);
    }
  });

  test('leaves the mode of an existing folder alone', (t) => {
    const dir = makeTempDir(t);
    const existing = join(dir, 'existing');
    mkdirSync(existing);
    chmodSync(existing, 0o750);
    const writer = new HeartbeatWriter({ heartbeatDir: existing, processKey: 'keep' });
    writer.beat();
    assert.equal(statSync(existing).mode & 0o777, 0o750);
  });
});

describe('HeartbeatWriter: paths', () => {
  test('default filename is <processKey>.json and heartbeatPath is absolute', (t) => {
    const dir = makeTempDir(t);
    const writer = new HeartbeatWriter({ heartbeatDir: dir, processKey: 'gateway' });
    assert.equal(writer.heartbeatPath, join(dir, 'gateway.json'));
    assert.equal(writer.processKey, 'gateway');
  });

  test('a custom filename is used as is', (t) => {
    const dir = makeTempDir(t);
    const writer = new HeartbeatWriter({ heartbeatDir: dir, processKey: 'gateway', filename: 'gw.heartbeat' });
    writer.beat();
    assert.equal(writer.heartbeatPath, join(dir, 'gw.heartbeat'));
    assert.deepEqual(readdirSync(dir), ['gw.heartbeat']);
    assert.equal(readHeartbeat(writer.heartbeatPath).process_key, 'gateway');
  });

  test('a relative heartbeatDir is resolved against the current folder at construction', () => {
    const writer = new HeartbeatWriter({ heartbeatDir: 'relative/hb', processKey: 'rel' });
    assert.equal(writer.heartbeatPath, resolve('relative/hb/rel.json'));
  });

  test('the first beat creates the folder and its missing parents', (t) => {
    const dir = makeTempDir(t);
    const heartbeatDir = join(dir, 'a', 'b', 'c');
    const writer = new HeartbeatWriter({ heartbeatDir, processKey: 'deep' });
    writer.beat();
    assert.equal(readHeartbeat(join(heartbeatDir, 'deep.json')).iteration, 1);
  });

  test('a folder removed between beats is created again', (t) => {
    const dir = makeTempDir(t);
    const heartbeatDir = join(dir, 'volatile', 'hb');
    const writer = new HeartbeatWriter({ heartbeatDir, processKey: 'phoenix' });
    writer.beat();
    rmSync(join(dir, 'volatile'), { recursive: true });
    writer.beat();
    assert.equal(readHeartbeat(writer.heartbeatPath).iteration, 2);
    rmSync(heartbeatDir, { recursive: true });
    writer.beat();
    assert.equal(readHeartbeat(writer.heartbeatPath).iteration, 3);
  });
});

describe('HeartbeatWriter: invalid options', () => {
  const invalid: ReadonlyArray<readonly [string, unknown, RegExp]> = [
    ['empty processKey', { heartbeatDir: '/tmp', processKey: '' }, /processKey must be a non-empty string/],
    ['missing processKey', { heartbeatDir: '/tmp' }, /processKey must be a non-empty string, got undefined/],
    ['empty heartbeatDir', { heartbeatDir: '', processKey: 'k' }, /heartbeatDir must be a non-empty string/],
    [
      'non-string heartbeatDir',
      { heartbeatDir: 7, processKey: 'k' },
      /heartbeatDir must be a non-empty string, got number/,
    ],
    [
      'filename with /',
      { heartbeatDir: '/tmp', processKey: 'k', filename: 'a/b.json' },
      /filename must be a plain file name/,
    ],
    [
      'filename with \\',
      { heartbeatDir: '/tmp', processKey: 'k', filename: 'a\\b.json' },
      /filename must be a plain file name/,
    ],
    ['filename .', { heartbeatDir: '/tmp', processKey: 'k', filename: '.' }, /filename must be a plain file name/],
    ['filename ..', { heartbeatDir: '/tmp', processKey: 'k', filename: '..' }, /filename must be a plain file name/],
    ['empty filename', { heartbeatDir: '/tmp', processKey: 'k', filename: '' }, /filename must be a non-empty string/],
    [
      'filename with NUL',
      { heartbeatDir: '/tmp', processKey: 'k', filename: 'a\0.json' },
      /filename must be a plain file name/,
    ],
    ['processKey with / (default filename)', { heartbeatDir: '/tmp', processKey: '../escape' }, /default file name/],
  ];
  for (const [name, options, message] of invalid) {
    test(`${name} throws a TypeError`, () => {
      assert.throws(() => new HeartbeatWriter(options as ConstructorParameters<typeof HeartbeatWriter>[0]), {
        name: 'TypeError',
        message,
      });
    });
  }
});

describe('HeartbeatWriter: stop()', () => {
  test('removes the file, is idempotent, and a later beat writes again', (t) => {
    const dir = makeTempDir(t);
    const writer = new HeartbeatWriter({ heartbeatDir: dir, processKey: 'stopper' });
    writer.beat();
    assert.equal(existsSync(writer.heartbeatPath), true);
    writer.stop();
    assert.equal(existsSync(writer.heartbeatPath), false);
    writer.stop();
    assert.deepEqual(readdirSync(dir), []);
    writer.beat();
    assert.equal(readHeartbeat(writer.heartbeatPath).iteration, 2);
  });

  test('before any beat, or with the folder gone, is fine', (t) => {
    const dir = makeTempDir(t);
    new HeartbeatWriter({ heartbeatDir: join(dir, 'never-created'), processKey: 'idle' }).stop();
    assert.equal(existsSync(join(dir, 'never-created')), false);
  });

  test('rethrows errors other than a missing file', (t) => {
    const dir = makeTempDir(t);
    const writer = new HeartbeatWriter({ heartbeatDir: dir, processKey: 'dir' });
    mkdirSync(writer.heartbeatPath);
    writeFileSync(join(writer.heartbeatPath, 'keep'), '');
    assert.throws(
      () => writer.stop(),
      (error: NodeJS.ErrnoException) => ['EISDIR', 'EPERM'].includes(String(error.code)),
    );
    assert.equal(existsSync(join(writer.heartbeatPath, 'keep')), true);
  });
});
