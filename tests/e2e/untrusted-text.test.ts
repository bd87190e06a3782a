// End-to-end: text an app controls (its heartbeat's fields, what its start command prints)
// reaches the operator's terminal and watchdog.log escaped, while the audit database keeps
// the raw bytes. Runs the built binary as cron and a person would.
import assert from 'node:assert/strict';
import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { ProcessStatus } from '../../src/status/build-status.js';
import type { RecoveryWithActions } from '../../src/store/read-state.js';
import { writeConfig } from '../helpers/config-files.js';
import { heartbeatText, writeFileAt } from '../helpers/heartbeats.js';
import { runWatchdog } from '../helpers/run-watchdog.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/** Sets the window title, clears the screen. */
const TITLE_AND_CLEAR = '\u001b]0;pwned\u0007\u001b[2J';
/** What a terminal could act on, or reorder a line by: none may be printed raw. */
// eslint-disable-next-line no-control-regex -- looking for control characters is the point
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

function assertNoRawControl(text: string, what: string): void {
  const found = RAW_CONTROL.exec(text);
  assert.equal(
    found,
    null,
    `${what} holds U+${found?.[0].charCodeAt(0).toString(16).padStart(4, '0')}:\n${JSON.stringify(text)}`,
  );
}

function queryOne<T>(dbPath: string, sql: string): T | undefined {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare<[], T>(sql).get();
  } finally {
    db.close();
  }
}

describe('text an app controls, shown by the built watchdog', () => {
  it('escapes a heartbeat whose process_key and status hold escape sequences, C1 and bidi controls; the database keeps them raw', async () => {
    const dir = makeTempDir();
    writeConfig(dir, { app: { heartbeat_path: 'run/app.json' } });
    const processKey = `app${TITLE_AND_CLEAR}\u009b8m\u202e`;
    const status = `${TITLE_AND_CLEAR}\u009b2J`;
    // The test's own PID: alive, and one check is below the threshold, so nothing is ever signalled.
    writeFileAt(join(dir, 'run', 'app.json'), heartbeatText({ process_key: processKey, status }));
    const watchdog = (args: string[]) => runWatchdog(args, { cwd: dir });

    const check = await watchdog(['check', '--verbose']);
    assert.equal(check.code, 0, check.stderr);
    assert.equal(check.stderr, '');
    // The reason quotes the key through JSON.stringify (ESC as \u001b); the C1 and bidi characters it leaves raw are escaped for the terminal.
    const warning = 'heartbeat names process_key "app\\u001b]0;pwned\\u0007\\u001b[2J\\u009b8m\\u202e", expected "app"';
    // Not "running": error_status, its reason quoting the status through JSON.stringify too.
    const reason = 'app reports status "\\u001b]0;pwned\\u0007\\u001b[2J\\u009b2J"; healthy: "running"';
    assert.ok(check.stdout.includes(`app: error_status (${reason}), failure 1/2\n`), check.stdout);
    assert.ok(check.stdout.includes(`  warning: ${warning}\n`), check.stdout);
    assertNoRawControl(check.stdout, 'check --verbose');

    const shown = await watchdog(['status']);
    assert.equal(shown.code, 0, shown.stderr);
    assert.ok(shown.stdout.includes(`warning: app: ${warning}\n`), shown.stdout);
    assert.ok(shown.stdout.includes('app reports status "\\u001b]0;pwned'), shown.stdout);
    assertNoRawControl(shown.stdout, 'status');

    const json = await watchdog(['status', '--json']);
    assert.equal(json.code, 0, json.stderr);
    assertNoRawControl(json.stdout, 'status --json');
    assert.ok(json.stdout.includes('"heartbeat_status": "\\u001b]0;pwned\\u0007\\u001b[2J\\u009b2J"'), json.stdout);
    const [parsed] = (JSON.parse(json.stdout) as { processes: ProcessStatus[] }).processes;
    assert.equal(parsed?.heartbeat_status, status, 'JSON.parse gives back the raw status');

    const history = await watchdog(['history']);
    assert.equal(history.code, 0, history.stderr);
    assertNoRawControl(history.stdout, 'history');

    const log = readFileSync(join(dir, 'logs', 'watchdog.log'), 'utf8');
    assert.ok(log.includes(`warn  app: ${warning}\n`), log);
    assert.ok(log.includes(`app: error_status (${reason}), failure 1/2`), log);
    assertNoRawControl(log.replaceAll('\n', ''), 'watchdog.log');

    const dbPath = join(dir, 'watchdog.db');
    const row = queryOne<{ heartbeat_status: string; warning: string }>(
      dbPath,
      'SELECT heartbeat_status, warning FROM check_history',
    );
    assert.equal(row?.heartbeat_status, status, 'the database keeps the raw status');
    assert.ok(row?.warning.includes('\u009b8m\u202e'), 'the database keeps the warning as it was made');
    assert.equal(
      queryOne<{ last_heartbeat_status: string }>(dbPath, 'SELECT last_heartbeat_status FROM process_state')
        ?.last_heartbeat_status,
      status,
    );
  });

  it('escapes what a failed start printed in history --recoveries, stderr and the log; the database keeps it raw', async () => {
    const dir = makeTempDir();
    // Hides what follows, sets the window title; then fails, so nothing is left running.
    const start = "printf '\\033[8mhidden\\033[0m\\n\\033]0;pwned\\007\\tend\\r\\n'; exit 3";
    writeConfig(
      dir,
      { app: { heartbeat_path: 'run/app.json', commands: { start }, recovery_actions: ['start'] } },
      { verify_delay: 0.5 },
    );
    const watchdog = (args: string[]) => runWatchdog(args, { cwd: dir });

    const first = await watchdog(['check']);
    assert.deepEqual(first, { code: 0, stdout: '', stderr: '' }, 'one failure is below the threshold');
    const failed = await watchdog(['check']);
    assert.equal(failed.code, 1, failed.stderr);
    assert.match(
      failed.stderr,
      /^watchdog: app: recovery #1 failed: start failed: the start command exited 3 within 0\.5s \(verify_delay\); output appended to /m,
    );
    assertNoRawControl(failed.stderr.replaceAll('\n', ''), "the failed tick's stderr");

    const dbPath = join(dir, 'watchdog.db');
    const tail = '\u001b[8mhidden\u001b[0m\n\u001b]0;pwned\u0007\tend\r\n';
    assert.equal(
      queryOne<{ output_tail: string }>(dbPath, 'SELECT output_tail FROM recovery_actions')?.output_tail,
      tail,
      'the database keeps the raw output',
    );

    const history = await watchdog(['history', '--recoveries']);
    assert.equal(history.code, 0, history.stderr);
    assert.match(history.stdout, /^ {4}1\. start: failed \(.*exit 3.*\): the start command exited 3/m);
    assert.ok(
      history.stdout.includes('       | \\x1b[8mhidden\\x1b[0m\n       | \\x1b]0;pwned\\x07\tend\n'),
      history.stdout,
    );
    assertNoRawControl(history.stdout, 'history --recoveries');

    const json = await watchdog(['history', '--recoveries', '--json']);
    assert.equal(json.code, 0, json.stderr);
    assertNoRawControl(json.stdout, 'history --recoveries --json');
    const [recovery] = (JSON.parse(json.stdout) as { recoveries: RecoveryWithActions[] }).recoveries;
    assert.equal(recovery?.actions[0]?.output_tail, tail);

    const log = readFileSync(join(dir, 'logs', 'watchdog.log'), 'utf8');
    assert.ok(log.includes('error app: recovery #1: start output: \\x1b[8mhidden\\x1b[0m\n'), log);
    assert.ok(log.includes('error app: recovery #1: start output: \\x1b]0;pwned\\x07\\x09end\n'), log);
    assertNoRawControl(log.replaceAll('\n', ''), 'watchdog.log');
  });

  it('escapes control characters in a line no command escapes itself (a config file name), as a last guard', async () => {
    const dir = makeTempDir();
    const name = `config${TITLE_AND_CLEAR}.json`;
    renameSync(writeConfig(dir, { app: { heartbeat_path: 'run/app.json' } }), join(dir, name));
    const result = await runWatchdog(['validate', '-c', name], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `OK: ${join(dir, 'config\\x1b]0;pwned\\x07\\x1b[2J.json')} (1 process)\n`);
  });
});
