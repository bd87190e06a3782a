// End-to-end test of a file system entry on the very disk that holds the watchdog's own
// audit database and journal: full, or remounted read-only. The tmpfs file systems are
// mounted inside a mount namespace of the test's own; the fallback journal is in the test's
// temporary folder (another file system), never in the machine's /run.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { EventPayload } from '../../src/notify/watchdog-event.js';
import { startHttpRecorder, type HttpRecorder } from '../helpers/loopback-http.js';
import { openMountNamespace, type MountNamespace } from '../helpers/mount-namespace.js';
import { runWatchdog, type RunResult } from '../helpers/run-watchdog.js';
import { makeTempDir } from '../helpers/temp-dir.js';

interface Setup {
  dir: string;
  ns: MountNamespace;
  hook: HttpRecorder;
  fallback: string;
  watchdog: (...args: string[]) => Promise<RunResult>;
}

/** A 4 MiB tmpfs at `card` holding the database (`card/state/watchdog.db`), and an entry for it whose cleanup removes `card/big`. */
async function setUp(entry: Record<string, unknown>): Promise<Setup> {
  const dir = makeTempDir();
  chmodSync(dir, 0o755);
  const ns = await openMountNamespace();
  const hook = await startHttpRecorder();
  mkdirSync(join(dir, 'card'));
  await ns.run(['mount', '-t', 'tmpfs', '-o', 'size=4m,mode=0755', 'watchdog-test-card', join(dir, 'card')]);
  await ns.run(['mkdir', join(dir, 'card/state')]);
  // /tmp on the card too, as on a Raspberry Pi OS image: TMPDIR stands for it.
  await ns.run(['mkdir', '-m', '1777', join(dir, 'card/tmp')]);
  const fallback = join(dir, 'run', 'watchdog.journal');
  const configPath = join(dir, 'config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      processes: {},
      filesystems: { card: { path: 'card', ...entry } },
      db_path: 'card/state/watchdog.db',
      // Not beside the database: a lock cannot be taken on a read-only disk at all.
      lock_path: 'watchdog.lock',
      fallback_journal_path: fallback,
      consecutive_failures_threshold: 2,
      log_level: 'warn',
      notify: {
        channels: {
          ops: { type: 'webhook', url: `http://127.0.0.1:${hook.port}/hook`, retries: 0, timeout_seconds: 2 },
        },
      },
    }),
  );
  return {
    dir,
    ns,
    hook,
    fallback,
    watchdog: (...args) =>
      runWatchdog([...args, '--config', configPath], {
        cwd: dir,
        wrapper: ns.wrapper,
        env: { TMPDIR: join(dir, 'card/tmp') },
      }),
  };
}

function told(hook: HttpRecorder): string[] {
  return hook.requests.map((request) => {
    const event = JSON.parse(request.body) as EventPayload;
    return `${event.event} ${event.process_key}`;
  });
}

describe('a file system entry on the disk of the audit database (end to end, in a mount namespace of the test)', () => {
  it('counts a full disk across ticks through the fallback journal, cleans it, tells it, and writes the rows back', async () => {
    const { dir, ns, hook, fallback, watchdog } = await setUp({
      min_free_mb: 1,
      commands: { clean: 'rm -f card/big' },
      recovery_actions: ['clean'],
      cleanup_args: [],
    });
    assert.equal((await watchdog('check')).code, 0);
    await ns.run(['sh', '-c', `dd if=/dev/zero of=${join(dir, 'card/big')} bs=64k count=100 status=none; true`]);

    const first = await watchdog('check', '--verbose');
    assert.match(first.stdout, /^card: low_space .*, failure 1\/2$/m, first.stdout + first.stderr);
    assert.match(first.stderr, new RegExp(`this tick's rows wait in ${fallback}`), 'the journal beside it is refused');
    assert.ok(existsSync(fallback), 'the rows are in the fallback journal, on another file system');

    // The database cannot be read in place (its -shm file cannot grow): status reads a copy, and the fallback over it.
    const status = await watchdog('status');
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^ {2}card .*: low_space, .*failures 1\/2$/m, status.stdout);
    assert.match(
      status.stdout,
      new RegExp(`^journal ${fallback}: \\d+ rows wait in the journal; the state of card is from it`, 'm'),
    );
    const preview = await watchdog('check', '--dry-run');
    assert.equal(preview.code, 0, preview.stderr);
    assert.match(preview.stdout, /^card: low_space /m);

    const second = await watchdog('check', '--verbose');
    assert.match(second.stdout, /^card: low_space .*, failure 2\/2, recovery due$/m, second.stdout + second.stderr);
    assert.match(second.stdout, /^card: recovery #\d+ succeeded$/m);
    assert.doesNotMatch(await ns.run(['ls', join(dir, 'card')]), /big/, 'the cleanup ran at the threshold');
    assert.deepEqual(told(hook), ['recovery_started card', 'recovery_succeeded card'], 'told in that tick');

    const third = await watchdog('check', '--verbose');
    assert.equal(third.code, 0, third.stderr);
    assert.match(third.stdout, /^card: healthy /m);
    assert.equal(existsSync(fallback), false, 'written back into the database, and removed');
    // The card is mounted in the namespace only: its database is read from a copy.
    mkdirSync(join(dir, 'copy'));
    await ns.run(['sh', '-c', `cp ${join(dir, 'card/state')}/watchdog.db* ${join(dir, 'copy')}/`]);
    const db = new Database(join(dir, 'copy/watchdog.db'), { readonly: true, fileMustExist: true });
    try {
      const history = db
        .prepare<[], { health: string; consecutive_failures: number }>(
          "SELECT health, consecutive_failures FROM check_history WHERE process_key = 'card' ORDER BY id",
        )
        .all();
      assert.deepEqual(
        history.map((row) => `${row.health} ${row.consecutive_failures}`),
        ['healthy 0', 'low_space 1', 'low_space 2', 'healthy 0'],
      );
      assert.equal(
        db.prepare<[], { n: number }>("SELECT count(*) AS n FROM audit_events WHERE kind = 'journal_replayed'").get()
          ?.n,
        1,
      );
    } finally {
      db.close();
    }
  });

  it('counts a read-only remount of its own disk across ticks, and tells it at the threshold', async () => {
    const { dir, ns, hook, fallback, watchdog } = await setUp({ fail_if_read_only: true });
    assert.equal((await watchdog('check')).code, 0);
    await ns.run(['mount', '-o', 'remount,ro', join(dir, 'card')]);
    const first = await watchdog('check', '--verbose');
    assert.match(first.stdout, /^card: read_only .*, failure 1\/2$/m, first.stdout + first.stderr);
    assert.ok(existsSync(fallback));
    assert.deepEqual(told(hook), [], 'nothing told below the threshold');
    const second = await watchdog('check', '--verbose');
    // An alert-only entry: no recovery is due, its alert is told in this tick.
    assert.match(second.stdout, /^card: read_only .*, failure 2\/2$/m, second.stdout + second.stderr);
    assert.deepEqual(told(hook), ['filesystem_failing card'], 'told at the threshold, in that tick');
    await ns.run(['mount', '-o', 'remount,rw', join(dir, 'card')]);
    const third = await watchdog('check', '--verbose');
    assert.match(third.stdout, /^card: healthy /m, third.stdout + third.stderr);
    assert.equal(existsSync(fallback), false, 'written back once the disk takes rows again');
  });
});
