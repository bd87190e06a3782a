// End-to-end test of a file system that does not answer: a FUSE server that answers INIT
// and nothing else, mounted inside a mount namespace of the test's own (nothing outside it
// is mounted). Reading it must not hold the tick, its lock, or the other checks.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { mountHungFuse } from '../helpers/hung-fuse.js';
import { openMountNamespace } from '../helpers/mount-namespace.js';
import { runWatchdog, WATCHDOG_BIN } from '../helpers/run-watchdog.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { sameProgramTest } from '../../src/system/same-program.js';

/** `text` as a regular expression that matches it literally. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The PIDs of readers whose command line says they read `path`: `node .../bin.js __read-filesystems PATH`. */
function readersOf(path: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        return readFileSync(`/proc/${name}/cmdline`, 'utf8').endsWith(`\0__read-filesystems\0${path}\0`);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ESRCH')
          return false;
        throw error;
      }
    })
    .map(Number);
}

describe('a file system that does not answer (end to end, in a mount namespace of the test)', () => {
  it('ends the tick with fs_unavailable, checks the others, releases the lock; the next tick runs', async () => {
    const dir = makeTempDir();
    chmodSync(dir, 0o755);
    const ns = await openMountNamespace();
    mkdirSync(join(dir, 'hung'));
    mkdirSync(join(dir, 'fine'));
    await mountHungFuse(ns, join(dir, 'hung'));
    const configPath = join(dir, 'config.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        // An app ("user": "root") found by a pattern that also fits the hung reader's command line.
        processes: {
          web: {
            display_name: 'Web',
            enabled: true,
            // Fits the reader's command line (`node .../bin.js __read-filesystems DIR/hung`), not the FUSE
            // server's. Anchored on it: an unanchored pattern is uncertain beside any root process whose
            // command line runs past 4096 bytes (the test runner's, in a full run), and so check_error.
            match: `^${escapeRegExp(`${process.execPath} ${WATCHDOG_BIN} __read-filesystems `)}\\S+/hung$`,
            user: 'root',
            commands: { start: 'true' },
            recovery_actions: ['kill', 'start'],
          },
        },
        filesystems: {
          hung: { path: 'hung', min_free_mb: 1 },
          fine: { path: 'fine', min_free_mb: 1 },
        },
        consecutive_failures_threshold: 3,
        log_level: 'warn',
      }),
    );
    const watchdog = (...args: string[]) =>
      runWatchdog([...args, '--config', configPath], { cwd: dir, wrapper: ns.wrapper });

    const first = await watchdog('check', '--verbose');
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^hung: fs_unavailable \(.*\/hung did not answer within 5 s\), failure 1\/3$/m);
    assert.match(first.stdout, /^fine: healthy /m, 'the entry after the hung one is still read');

    // The first tick's reader still waits in the kernel (this server took the request): not a second one.
    const still = /still does not answer: a reader of \d+ s ago \(PID \d+\) waits on it/;
    const preview = await watchdog('check', '--dry-run');
    assert.equal(preview.code, 0, preview.stderr);
    assert.match(preview.stdout, /^hung: fs_unavailable \(.*\), failure 2\/3/m);
    assert.match(preview.stdout, still);

    const second = await watchdog('check', '--verbose');
    assert.equal(second.code, 0, second.stderr);
    assert.doesNotMatch(second.stdout + second.stderr, /lock/, 'the first tick released the lock');
    assert.match(second.stdout, /^hung: fs_unavailable .*, failure 2\/3$/m);
    assert.match(second.stdout, still);
    // The first tick's reader, stuck, fits the app's pattern: it is a run of the watchdog, not the app.
    assert.match(
      second.stdout,
      /^web: not_running \(no process matches .*not counted: PID \d+ \(another run of the watchdog\)/m,
    );
    const readers = readersOf(join(dir, 'hung'));
    assert.equal(readers.length, 1, 'one reader waits, however many runs found it hung');
    // Its command line is the watchdog's (no retitle): another run of it, never counted as the app nor signalled.
    const reader = readers[0] ?? 0;
    assert.equal(sameProgramTest({ executable: process.execPath, script: WATCHDOG_BIN })(reader), true);
    assert.match(
      second.stdout,
      new RegExp(
        `^web: not_running \\(no process matches .*not counted: PID ${reader} \\(another run of the watchdog\\)`,
        'm',
      ),
    );

    // Every check of both ticks, as `history` shows them (the second tick's unchanged check of
    // `fine` waits in memory: docs/storage-writes.md), oldest first.
    const history = await watchdog('history', '--json');
    assert.equal(history.code, 0, history.stderr);
    const rows = (JSON.parse(history.stdout) as { checks: { process_key: string; health: string }[] }).checks;
    assert.deepEqual(rows.map((row) => `${row.process_key}:${row.health}`).reverse(), [
      'web:not_running',
      'hung:fs_unavailable',
      'fine:healthy',
      'web:not_running',
      'hung:fs_unavailable',
      'fine:healthy',
    ]);
  });
});
