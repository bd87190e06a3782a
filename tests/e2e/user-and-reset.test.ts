// End-to-end tests of issue 5 as a person meets it: the built watchdog runs a start
// command as another user, gives up on a crash loop and is reset, shows identity and
// give-ups in `status --json`, and refuses configs naming unknown users or broken
// patterns. Nothing here signals a process: every pipeline is `start` alone, and the
// start commands exit at once.
import assert from 'node:assert/strict';
import { chmodSync, readdirSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { writeConfig } from '../helpers/config-files.js';
import { heartbeatText, writeFileAt } from '../helpers/heartbeats.js';
import { runWatchdog, type RunResult } from '../helpers/run-watchdog.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { passwdLookup } from '../../src/system/lookup-user.js';

/** The person at the keyboard, as the audit log names them. */
const ALICE = { USER: 'alice', LOGNAME: 'alice', SUDO_USER: undefined };

interface StatusEntry {
  key: string;
  state: string;
  identity: string | null;
  gave_up_at: string | null;
  gave_up_reason: string | null;
}

async function statusOf(dir: string): Promise<Map<string, StatusEntry>> {
  const result = await runWatchdog(['status', '--json'], { cwd: dir });
  assert.equal(result.code, 0, result.stderr);
  const { processes } = JSON.parse(result.stdout) as { processes: StatusEntry[] };
  return new Map(processes.map((entry) => [entry.key, entry]));
}

function auditEventsIn(dbPath: string): { kind: string; process_key: string | null; detail: string | null }[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare<[], { kind: string; process_key: string | null; detail: string | null }>(
        'SELECT kind, process_key, detail FROM audit_events ORDER BY id',
      )
      .all();
  } finally {
    db.close();
  }
}

function recoveryOutcomesIn(dbPath: string): string[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare<[], { outcome: string }>('SELECT outcome FROM recoveries ORDER BY id')
      .all()
      .map((row) => row.outcome);
  } finally {
    db.close();
  }
}

const show = (result: RunResult): string =>
  `exit ${String(result.code)}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;

describe('watchdog: processes run as a user', () => {
  it('runs the start command of a process with "user": "nobody" as nobody, with its HOME and USER', async () => {
    const nobody = passwdLookup()('nobody');
    assert.ok(nobody !== undefined, 'this machine has a user nobody');
    const dir = makeTempDir('watchdog-user-');
    // nobody must reach its output folder; the state folder stays writable by root alone.
    chmodSync(dir, 0o755);
    const out = join(dir, 'out');
    mkdirSync(out);
    chmodSync(out, 0o777);
    const whoPath = join(out, 'who.txt');
    writeConfig(
      dir,
      {
        app: {
          heartbeat_path: 'hb/app.json',
          user: 'nobody',
          commands: { start: `echo "$(id -u) $(id -g) $HOME $USER" > ${whoPath}` },
          recovery_actions: ['start'],
        },
      },
      { verify_delay: 0.5 },
    );

    const on = await runWatchdog(['on', 'app'], { cwd: dir, env: ALICE });
    assert.equal(on.code, 0, show(on));
    assert.match(on.stdout, /^app: start #1 succeeded/m, show(on));

    const [uid, gid, home, user] = readFileSync(whoPath, 'utf8').trim().split(' ');
    assert.deepEqual(
      { uid, gid, home, user },
      { uid: '65534', gid: String(nobody.gid), home: nobody.home, user: 'nobody' },
    );
  });

  it('refuses a config naming a user this machine does not have (exit 78)', async () => {
    const dir = makeTempDir('watchdog-user-');
    writeConfig(dir, { app: { heartbeat_path: 'hb/app.json', user: 'no_such_user_xyz' } });
    const result = await runWatchdog(['validate'], { cwd: dir });
    assert.equal(result.code, 78, show(result));
    assert.equal(result.stdout, '');
    assert.ok(result.stderr.includes('processes.app.user: no user "no_such_user_xyz" in /etc/passwd'), show(result));
  });

  it('refuses a match that is not a regular expression (exit 78)', async () => {
    const dir = makeTempDir('watchdog-user-');
    writeConfig(dir, { app: { heartbeat_path: 'hb/app.json', match: '(' } });
    const result = await runWatchdog(['validate'], { cwd: dir });
    assert.equal(result.code, 78, show(result));
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^ {2}processes\.app\.match: not a valid regular expression: /m, show(result));
  });

  it('refuses state kept in a folder other users may write (exit 78), creating nothing there', async () => {
    const safe = makeTempDir('watchdog-user-');
    const shared = join(safe, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    writeConfig(safe, { app: { heartbeat_path: 'hb/app.json' } }, { db_path: 'shared/watchdog.db' });
    chmodSync(join(safe, 'config.json'), 0o644);
    const result = await runWatchdog(['check'], { cwd: safe });
    assert.equal(result.code, 78, show(result));
    assert.match(result.stderr, /are not safe from other users; refusing to use them/, show(result));
    assert.ok(
      result.stderr.includes(`db_path: its folder ${shared} is writable by group or others (mode 0777)`),
      show(result),
    );
    assert.deepEqual(readdirSync(shared), [], 'nothing created in the loose folder');
  });

  it('refuses a config in a folder other users may write (exit 78): they could swap the config', async () => {
    const shared = join(makeTempDir('watchdog-user-'), 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    const configPath = writeConfig(shared, { app: { heartbeat_path: 'hb/app.json' } });
    chmodSync(configPath, 0o644);
    const result = await runWatchdog(['check'], { cwd: shared });
    assert.equal(result.code, 78, show(result));
    assert.ok(
      result.stderr.includes(`config file ${configPath} can be changed by other users; refusing to use it`),
      show(result),
    );
    assert.ok(result.stderr.includes(`its folder ${shared} is writable by group or others (mode 0777)`), show(result));
  });
});

describe('watchdog reset and the crash-loop guard', () => {
  it('exits 2 for an unknown key', async () => {
    const dir = makeTempDir('watchdog-reset-');
    writeConfig(dir, { app: { heartbeat_path: 'hb/app.json' } });
    const result = await runWatchdog(['reset', 'nope'], { cwd: dir, env: ALICE });
    assert.equal(result.code, 2, show(result));
    assert.match(result.stderr, /unknown process key "nope"/, show(result));
  });

  it('gives up on a crash loop; status shows it; reset resumes recoveries and records who', async () => {
    const dir = makeTempDir('watchdog-reset-');
    const dbPath = join(dir, 'watchdog.db');
    // `web` beats (its heartbeat names this test's own PID, which its `match` recognises) and is
    // never recovered by a kill; `app` never beats and its start always fails.
    writeFileAt(join(dir, 'hb', 'web.json'), heartbeatText({ process_key: 'web' }));
    writeConfig(
      dir,
      {
        app: {
          heartbeat_path: 'hb/app.json',
          commands: { start: 'exit 3' },
          recovery_actions: ['start'],
          max_recoveries: 1,
          recovery_backoff_seconds: 0,
        },
        web: {
          heartbeat_path: 'hb/web.json',
          timeout_seconds: 3600,
          match: 'user-and-reset',
          commands: { start: 'true' },
          recovery_actions: ['start'],
        },
      },
      { consecutive_failures_threshold: 1, verify_delay: 0.2 },
    );

    const first = await runWatchdog(['check'], { cwd: dir });
    assert.equal(first.code, 1, `the first recovery fails: ${show(first)}`);
    assert.match(first.stderr, /^watchdog: app: recovery #1 failed: /m, show(first));

    const second = await runWatchdog(['check'], { cwd: dir });
    assert.equal(second.code, 1, `giving up is told once, as a failure: ${show(second)}`);
    assert.match(
      second.stderr,
      /^watchdog: app: gave up: 1 recovery within 60m 00s \(max_recoveries 1\)/m,
      show(second),
    );
    assert.ok(
      second.stderr.includes('watchdog: app: no more recoveries until `watchdog on app` or `watchdog reset app`'),
      show(second),
    );
    assert.deepEqual(recoveryOutcomesIn(dbPath), ['failed'], 'no second recovery');

    const gaveUp = await statusOf(dir);
    const app = gaveUp.get('app');
    assert.equal(app?.state, 'gave_up', JSON.stringify(app));
    assert.ok(
      typeof app?.gave_up_at === 'string' && app.gave_up_at !== '',
      `gave_up_at is a time: ${JSON.stringify(app)}`,
    );
    assert.match(app?.gave_up_reason ?? '', /^gave up: 1 recovery within/);
    assert.ok(app !== undefined && 'identity' in app, 'status --json has an identity field');
    assert.deepEqual(
      {
        state: gaveUp.get('web')?.state,
        identity: gaveUp.get('web')?.identity,
        gave_up_at: gaveUp.get('web')?.gave_up_at,
      },
      { state: 'healthy', identity: 'command line', gave_up_at: null },
    );

    const third = await runWatchdog(['check'], { cwd: dir });
    assert.deepEqual(
      { code: third.code, stderr: third.stderr },
      { code: 0, stderr: '' },
      `given up: quiet, nothing runs: ${show(third)}`,
    );
    assert.deepEqual(recoveryOutcomesIn(dbPath), ['failed']);

    const reset = await runWatchdog(['reset', 'app'], { cwd: dir, env: ALICE });
    assert.equal(reset.code, 0, show(reset));
    assert.equal(reset.stderr, '');
    assert.match(
      reset.stdout,
      /^app: reset: recoveries resume when it fails \(it had given up at \S+\); nothing was started$/m,
      show(reset),
    );
    assert.deepEqual(recoveryOutcomesIn(dbPath), ['failed'], 'reset starts nothing');
    const events = auditEventsIn(dbPath);
    assert.deepEqual(
      events.map((event) => [event.kind, event.process_key]),
      [
        ['gave_up', 'app'],
        ['reset', 'app'],
      ],
    );
    assert.match(
      events[1]?.detail ?? '',
      /^crash-loop guard and failure count reset by alice \(it had given up at \S+\)$/,
    );
    assert.equal((await statusOf(dir)).get('app')?.gave_up_at, null, 'no longer given up');

    const afterReset = await runWatchdog(['check'], { cwd: dir });
    assert.equal(afterReset.code, 1, `a fresh budget: the next failure is recovered again: ${show(afterReset)}`);
    assert.deepEqual(recoveryOutcomesIn(dbPath), ['failed', 'failed']);
  });

  it('reset of a process that had not given up says so, and still records it', async () => {
    const dir = makeTempDir('watchdog-reset-');
    writeConfig(dir, { app: { heartbeat_path: 'hb/app.json' } });
    const result = await runWatchdog(['reset', 'app'], { cwd: dir, env: ALICE });
    assert.equal(result.code, 0, show(result));
    assert.equal(
      result.stdout,
      'app: reset: recoveries resume when it fails (it had not given up); nothing was started\n',
    );
    assert.deepEqual(auditEventsIn(join(dir, 'watchdog.db')), [
      {
        kind: 'reset',
        process_key: 'app',
        detail: 'crash-loop guard and failure count reset by alice (it had not given up)',
      },
    ]);
  });
});
