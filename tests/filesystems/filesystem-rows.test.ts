// A file system entry's figures, as the tick keeps them and a locked database's journal carries them.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import Database from 'better-sqlite3';
import { openAuditStore } from '../../src/store/audit-store.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open-store.js';
import { recordFilesystemFigures, readFilesystemFigures } from '../../src/filesystems/filesystem-rows.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { recordingLogger } from '../helpers/recording-logger.js';

const NOW = new Date('2026-06-30T12:00:00.000Z');
const figures = {
  folder: '/data',
  mountPoint: '/data',
  fsType: 'ext4',
  sizeBytes: 16e12,
  freeBytes: 1e12,
  readOnly: false,
  rootFilesystem: false,
};

it('a figures row deleted while the database is locked is deleted after the replay', () => {
  const dir = makeTempDir('watchdog-figures-');
  const dbPath = join(dir, 'watchdog.db');
  const journalPath = join(dir, 'watchdog.db.journal');
  const setup = openStore(dbPath);
  recordFilesystemFigures(setup, 'data', 'T0', figures);
  setup.close();

  // Another connection holds the write lock: this run stands in and journals.
  const holder = new Database(dbPath);
  holder.exec('BEGIN IMMEDIATE');
  const run1 = openAuditStore({ dbPath, journalPath, logger: recordingLogger(), now: () => NOW, busyTimeoutMs: 50 });
  run1.write((db) => recordFilesystemFigures(db, 'data', 'T1', undefined)); // the folder is gone
  assert.ok(run1.degraded !== undefined, 'stood in');
  assert.equal(readFilesystemFigures(run1.db).size, 0, 'gone in the stand-in');
  run1.close();
  holder.exec('ROLLBACK');
  holder.close();

  const run2 = openAuditStore({ dbPath, journalPath, logger: recordingLogger(), now: () => NOW, busyTimeoutMs: 50 });
  try {
    assert.equal(run2.degraded, undefined);
    assert.deepEqual(
      [...readFilesystemFigures(run2.db).keys()],
      [],
      'the old figures of a folder that is gone are not shown again',
    );
  } finally {
    run2.close();
  }
});

it('16 TB figures keep their precision through SQLite', () => {
  const dir = makeTempDir('watchdog-figures-');
  const db = openStore(join(dir, 'w.db'));
  const big = { ...figures, sizeBytes: 17_592_186_040_320 * 1024 + 4096, freeBytes: 2 ** 53 - 1 };
  recordFilesystemFigures(db, 'data', 'T', big);
  const row = readFilesystemFigures(db).get('data');
  db.close();
  assert.equal(row?.free_bytes, 2 ** 53 - 1);
});

it('figures written while the database is locked reach it after the replay', () => {
  const dir = makeTempDir('watchdog-figures-');
  const dbPath = join(dir, 'watchdog.db');
  const journalPath = join(dir, 'watchdog.db.journal');
  openStore(dbPath).close();
  const holder = new Database(dbPath);
  holder.exec('BEGIN IMMEDIATE');
  const run1 = openAuditStore({ dbPath, journalPath, logger: recordingLogger(), now: () => NOW, busyTimeoutMs: 50 });
  run1.write((db) => recordFilesystemFigures(db, 'data', 'T1', figures));
  run1.write((db) => recordFilesystemFigures(db, 'data', 'T2', { ...figures, freeBytes: 5 }));
  run1.close();
  holder.exec('ROLLBACK');
  holder.close();
  const run2 = openAuditStore({ dbPath, journalPath, logger: recordingLogger(), now: () => NOW, busyTimeoutMs: 50 });
  try {
    const row = readFilesystemFigures(run2.db).get('data');
    assert.equal(row?.checked_at, 'T2');
    assert.equal(row?.free_bytes, 5);
    assert.equal(row?.size_bytes, 16e12);
  } finally {
    run2.close();
  }
});

it('a check that read nothing keeps a row without figures, which is not read as figures', () => {
  const db = openStore(join(makeTempDir('watchdog-figures-'), 'w.db'));
  try {
    recordFilesystemFigures(db, 'data', 'T1', figures);
    recordFilesystemFigures(db, 'data', 'T2', undefined);
    assert.deepEqual(db.prepare('SELECT * FROM filesystem_figures').all(), [
      {
        filesystem_key: 'data',
        checked_at: 'T2',
        mount_point: null,
        fs_type: null,
        size_bytes: null,
        free_bytes: null,
        read_only: null,
      },
    ]);
    assert.equal(readFilesystemFigures(db).size, 0);
  } finally {
    db.close();
  }
});

it('migration 14 keeps the figures of a database at version 13, and marks its states as processes', () => {
  const dbPath = join(makeTempDir('watchdog-figures-'), 'v13.db');
  const old = new Database(dbPath);
  for (const migration of MIGRATIONS.filter((step) => step.version <= 13)) migration.up(old);
  old.pragma('user_version = 13');
  old.prepare("INSERT INTO filesystem_figures VALUES ('data', 'T0', '/data', 'ext4', 1000, 10, 0)").run();
  old.prepare("INSERT INTO process_state (process_key, consecutive_failures) VALUES ('web', 2)").run();
  old.close();
  const db = openStore(dbPath);
  try {
    assert.equal(readFilesystemFigures(db).get('data')?.free_bytes, 10);
    assert.deepEqual(db.prepare('SELECT process_key, subject_kind FROM process_state').all(), [
      { process_key: 'web', subject_kind: 'process' },
    ]);
    recordFilesystemFigures(db, 'data', 'T1', undefined);
    assert.equal(readFilesystemFigures(db).size, 0, 'the figures may now be NULL');
  } finally {
    db.close();
  }
});
