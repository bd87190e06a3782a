import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { HeartbeatWriter } from '../src/index.js';
import { readHeartbeat } from './helpers/read-heartbeat.js';
import { makeTempDir } from './helpers/temp-dir.js';

function tempFilesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.tmp'));
}

test('many beats leave only the heartbeat file, always complete', (t) => {
  const dir = makeTempDir(t);
  const writer = new HeartbeatWriter({ heartbeatDir: dir, processKey: 'busy' });
  for (let i = 1; i <= 500; i += 1) {
    writer.beat();
    if (i % 50 === 0) assert.equal(readHeartbeat(writer.heartbeatPath).iteration, i);
  }
  assert.deepEqual(readdirSync(dir), ['busy.json']);
});

test('two writers on one folder never collide on temp names', (t) => {
  const dir = makeTempDir(t);
  const first = new HeartbeatWriter({ heartbeatDir: dir, processKey: 'one' });
  const second = new HeartbeatWriter({ heartbeatDir: dir, processKey: 'two' });
  for (let i = 0; i < 100; i += 1) {
    first.beat();
    second.beat();
  }
  assert.deepEqual(readdirSync(dir).sort(), ['one.json', 'two.json']);
});

test('a heartbeat folder that cannot exist (parent is a file): throws, nothing left behind', (t) => {
  const dir = makeTempDir(t);
  writeFileSync(join(dir, 'plain-file'), 'not a folder');
  const writer = new HeartbeatWriter({ heartbeatDir: join(dir, 'plain-file', 'hb'), processKey: 'blocked' });
  assert.throws(() => writer.beat(), { code: 'ENOTDIR' });
  assert.throws(() => writer.beat(), { code: 'ENOTDIR' }, 'every beat reports it, not only the first');
  assert.equal(writer.iterationCount, 0);
  assert.deepEqual(readdirSync(dir), ['plain-file']);
});

test('a rename that fails (target is a folder): throws, and the temp file is removed', (t) => {
  const dir = makeTempDir(t);
  const writer = new HeartbeatWriter({ heartbeatDir: dir, processKey: 'occupied' });
  writer.beat();
  // Replace the good heartbeat by a non-empty folder of the same name: rename(2) of
  // a file over a folder fails with EISDIR after the temp file was fully written.
  rmSync(writer.heartbeatPath);
  mkdirSync(writer.heartbeatPath);
  writeFileSync(join(writer.heartbeatPath, 'inside'), '');
  assert.throws(() => writer.beat(), { code: 'EISDIR' });
  assert.throws(() => writer.beat(), { code: 'EISDIR' });
  assert.deepEqual(tempFilesUnder(dir), []);
  assert.deepEqual(readdirSync(dir), ['occupied.json']);
  assert.equal(writer.iterationCount, 1, 'a failed beat does not count');
  rmSync(writer.heartbeatPath, { recursive: true });
  writer.beat();
  assert.equal(readHeartbeat(writer.heartbeatPath).iteration, 2, 'the next good beat continues the count');
});
