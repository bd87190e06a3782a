// Fault injection, hostile users: text an app controls, shown to a person. The hostile
// user's app writes its heartbeat and prints what it likes; a person reads it through
// `status`, `history`, `history --recoveries`, `check --verbose`, stderr and `watchdog.log`,
// often in a terminal over SSH. Printed raw, an escape sequence there sets the terminal's
// title, clears the screen or hides what follows, and a newline forges a log line. Every
// such output shows control characters escaped (`\x1b`, journald style; `\u001b` inside
// JSON), and the audit database keeps the raw bytes. Each case's text carries a token of
// its own, so a raw control character is blamed on the case whose line holds it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { faultCase, type Observation } from './report.js';
import {
  assertBystandersUntouched,
  bystanderReport,
  describeBystanders,
  heartbeatJson,
  STUB_START,
  writeFaultConfig,
} from './fault-scenario.js';
import { appReport, assertAppUntouched, describeApp, inCase, startHostileWorld } from './hostile-world.js';

/** A control character a terminal acts on: C0 but newline and tab, DEL, C1. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;
/** ESC and CSI written out, as the watchdog's escaping or JSON's own escapes show them. */
const ESCAPED_ESC = /\\x1b|\\u001b/i;
const ESCAPED_CSI = /\\u009b|\\x9b|\\xc2\\x9b/i;

function token(what: string): string {
  return `${what}-${randomBytes(4).toString('hex')}`;
}

describe('fault injection, hostile users: escape sequences in what a person reads', () => {
  it('shows every control character an app chose escaped, and keeps it raw in the database', async (t) => {
    const world = await startHostileWorld('hostile-escapes');
    const { hostile } = world;
    const app = await hostile.startApp('own_app');
    const title = token('title');
    const hidden = token('hidden');
    const csi = token('csi');
    const forged = token('forged');
    const noisy = token('noisy');
    const carriage = token('carriage');

    const titleStatus = `\u001b]0;pwned ${title}\u0007\u001b[2J`;
    const csiText = `\u009b2J\u009b31m${csi}`;
    const forgedLine = `2026-01-01T00:00:00.000Z info  ${forged}: every app is healthy`;
    const carriageLine = `2026-01-01T00:00:00.000Z info  ${carriage}: every app is healthy`;
    const beat = (key: string, fields: Record<string, unknown>): Promise<void> =>
      hostile.writeFile(
        join(hostile.home, `${key}.json`),
        heartbeatJson({ process_key: key, pid: app.pid, ...fields }),
      );
    await beat('title', { status: titleStatus });
    await beat('csi', { process_key: csiText, status: csiText });
    await beat('forged', { process_key: `forged\n${forgedLine}`, status: `running\n${forgedLine}` });

    const asHostile = { user: hostile.user.name, cwd: hostile.home };
    const failing = { start_grace_seconds: 0, recovery_backoff_seconds: 0 };
    // Their statuses are not "running", so their checks are error_status, the status quoted in
    // the reason too; below their threshold, so the app they name is left alone.
    const belowThreshold = { consecutive_failures_threshold: 2 };
    writeFaultConfig(
      world.dir,
      {
        title: { heartbeat_path: join(hostile.home, 'title.json'), ...belowThreshold, ...asHostile },
        csi: { heartbeat_path: join(hostile.home, 'csi.json'), ...belowThreshold, ...asHostile },
        forged: { heartbeat_path: join(hostile.home, 'forged.json'), ...belowThreshold, ...asHostile },
        hidden: {
          heartbeat_path: join(hostile.home, 'hidden.json'),
          commands: { start: `printf '\\033[8m%s\\033[0m\\n' ${hidden}; exit 3` },
          ...failing,
          ...asHostile,
        },
        carriage: {
          heartbeat_path: join(hostile.home, 'carriage.json'),
          commands: { start: `printf 'starting\\r%s\\n' '${carriageLine}'; exit 4` },
          ...failing,
          ...asHostile,
        },
        noisy: {
          heartbeat_path: join(hostile.home, 'noisy.json'),
          commands: {
            start: STUB_START,
            noisy_cleanup: `printf '\\033[2J\\033]0;pwned\\007\\302\\233%s\\n' ${noisy}; exit 1`,
          },
          recovery_actions: ['kill', 'noisy_cleanup', 'start'],
          ...failing,
          ...asHostile,
        },
      },
      { consecutive_failures_threshold: 1, log_level: 'debug' },
    );

    const tick = await world.watchdog(['check', '--verbose']);
    const runs = {
      'check --verbose': tick,
      status: await world.watchdog(['status']),
      'status --json': await world.watchdog(['status', '--json']),
      history: await world.watchdog(['history']),
      'history --json': await world.watchdog(['history', '--json']),
      'history --recoveries': await world.watchdog(['history', '--recoveries']),
      'history --recoveries --json': await world.watchdog(['history', '--recoveries', '--json']),
    };
    const logPath = join(world.dir, 'logs/watchdog.log');
    const outputs: Record<string, string> = {
      'watchdog.log': existsSync(logPath) ? readFileSync(logPath, 'utf8') : '',
    };
    for (const [name, run] of Object.entries(runs)) {
      outputs[`${name} stdout`] = run.stdout;
      outputs[`${name} stderr`] = run.stderr;
    }
    const db = new Database(world.dbPath, { readonly: true, fileMustExist: true });
    const lastCheck = (key: string) =>
      db
        .prepare<[string], { heartbeat_status: string | null; warning: string | null }>(
          'SELECT heartbeat_status, warning FROM check_history WHERE process_key = ? ORDER BY id DESC',
        )
        .get(key);
    const tailOf = (key: string, action: string) =>
      db
        .prepare<[string, string], { output_tail: string | null }>(
          'SELECT a.output_tail FROM recovery_actions a JOIN recoveries r ON r.id = a.recovery_id WHERE r.process_key = ? AND a.action = ? ORDER BY a.id DESC',
        )
        .get(key, action)?.output_tail ?? null;
    const stored = {
      title: lastCheck('title'),
      csi: lastCheck('csi'),
      forged: lastCheck('forged'),
      hidden: tailOf('hidden', 'start'),
      carriage: tailOf('carriage', 'start'),
      noisy: tailOf('noisy', 'noisy_cleanup'),
    };
    db.close();
    const appSeen = await appReport(world, app);
    const bystanders = await bystanderReport(world);

    /** For a case's token: the outputs whose lines hold it, split by whether a raw control character shares the line. */
    const where = (mark: string, escaped: RegExp) => {
      const shown: string[] = [];
      const raw: string[] = [];
      const escapedIn: string[] = [];
      for (const [name, text] of Object.entries(outputs)) {
        const lines = text.split('\n').filter((line) => line.includes(mark));
        if (lines.length === 0) continue;
        shown.push(name);
        if (lines.some((line) => RAW_CONTROL.test(line))) raw.push(name);
        if (lines.some((line) => escaped.test(line))) escapedIn.push(name);
      }
      return { shown, raw, escapedIn };
    };
    const judge = (
      seen: Observation,
      mark: string,
      escaped: RegExp,
      storedRaw: string | null | undefined,
      rawPart: string,
    ): void => {
      const found = where(mark, escaped);
      seen.note('shown in', found.shown);
      seen.note('raw control characters in', found.raw);
      seen.note('escaped in', found.escapedIn);
      seen.note('database holds it raw', (storedRaw ?? '').includes(rawPart));
      seen.note(describeApp(`the hostile user's app (PID ${app.pid})`, appSeen));
      seen.note(describeBystanders(bystanders));
      assert.deepEqual(found.raw, [], 'no output shows a raw control character');
      assert.ok(
        found.escapedIn.length > 0,
        `some output shows it escaped (shown in: ${found.shown.join(', ') || 'none'})`,
      );
      assert.ok(
        (storedRaw ?? '').includes(rawPart),
        `the database keeps the raw bytes, got ${JSON.stringify(storedRaw)}`,
      );
      assertAppUntouched("the hostile user's app", appSeen);
      assertBystandersUntouched(bystanders);
    };

    await t.test('title', () =>
      faultCase(
        'n.1',
        "the hostile user's app writes a heartbeat whose `status` sets the terminal's title and clears the screen (`\\u001b]0;pwned\\u0007\\u001b[2J`)",
        'no output (`status`, `history`, their `--json`, `check --verbose`, stderr, `watchdog.log`) holds a raw ESC or BEL; some shows it escaped; check_history.heartbeat_status keeps the raw bytes',
        (seen) => judge(seen, title, ESCAPED_ESC, stored.title?.heartbeat_status, titleStatus),
      ),
    );
    await t.test('hidden', () =>
      faultCase(
        'n.2',
        'a start command (run as the hostile user) prints `\\u001b[8m` (hidden text) before its line, then exits 3',
        'no output holds a raw ESC (`history --recoveries` shows the tail escaped), stderr reports the failed start; recovery_actions.output_tail keeps the raw bytes',
        (seen) => {
          const reported = tick.stderr.split('\n').find((line) => line.includes('hidden') && line.includes('failed'));
          seen.note('check', `exit ${String(tick.code)}`);
          seen.note('stderr', inCase(world, reported ?? 'does not report it'));
          judge(seen, hidden, ESCAPED_ESC, stored.hidden, `\u001b[8m${hidden}`);
          assert.ok(reported !== undefined, `stderr reports the failed start: ${tick.stderr}`);
          assert.ok(
            where(hidden, ESCAPED_ESC).escapedIn.includes('history --recoveries stdout'),
            '`history --recoveries` shows the tail escaped',
          );
        },
      ),
    );
    await t.test('csi', () =>
      faultCase(
        'n.3',
        'a heartbeat whose `process_key` and `status` hold the 8-bit C1 CSI (`\\u009b2J`, `\\u009b31m`), which some terminals act on without an ESC',
        'no output holds a raw U+009B (the warning about the key in `status` and the log escaped); the database keeps the raw text',
        (seen) => judge(seen, csi, ESCAPED_CSI, stored.csi?.heartbeat_status, csiText),
      ),
    );
    await t.test('forged', () =>
      faultCase(
        'n.4',
        'heartbeat `process_key` and `status` holding a newline and a fake log line (`2026-01-01T00:00:00.000Z info  <token>: every app is healthy`)',
        "every line of `watchdog.log` is one of the watchdog's (none begins with the fake line); the database keeps the newline",
        (seen) => {
          const logLines = outputs['watchdog.log']?.split('\n').filter((line) => line !== '') ?? [];
          const forgedLines = logLines.filter((line) => line.startsWith(forgedLine.slice(0, 30)));
          const holding = logLines.filter((line) => line.includes(forged));
          seen.note('log lines holding the token', holding.length);
          seen.note('log lines that begin with the fake line', forgedLines.length);
          seen.note('database holds the newline', (stored.forged?.heartbeat_status ?? '').includes(`\n${forgedLine}`));
          seen.note(describeBystanders(bystanders));
          assert.ok(holding.length > 0, 'the field reached the log (a warning about its process_key)');
          assert.deepEqual(forgedLines, [], 'no line of the log is the forged one');
          assert.ok(
            logLines.every((line) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z (error|warn|info|debug)\b/.test(line)),
            "every log line is one of the watchdog's",
          );
          assert.ok(
            (stored.forged?.heartbeat_status ?? '').includes(`\n${forgedLine}`),
            'the database keeps the raw newline',
          );
          assertBystandersUntouched(bystanders);
        },
      ),
    );
    await t.test('carriage', () =>
      faultCase(
        'n.5',
        'a start command (run as the hostile user) prints `starting`, a carriage return and a fake log line, then exits 4: in a terminal the log line of its output would read as the fake one',
        "the line of `watchdog.log` holding it has no raw carriage return (shown escaped) and begins with the watchdog's own time and level; the database keeps the raw bytes",
        (seen) => {
          const holding = outputs['watchdog.log']?.split('\n').filter((line) => line.includes(carriage)) ?? [];
          seen.note('log lines holding it', holding.length);
          seen.note(
            "each begins with the watchdog's own time",
            holding.every((line) => !line.startsWith(carriageLine.slice(0, 24))),
          );
          judge(seen, carriage, /\\x0d|\\r|\\u000d/i, stored.carriage, `starting\r${carriageLine}`);
          assert.ok(holding.length > 0, 'the output reached the log');
        },
      ),
    );
    await t.test('noisy_cleanup', () =>
      faultCase(
        'n.6',
        'a cleanup action (run as the hostile user) prints a screen clear, a title and a C1 CSI, then exits 1 (a warning; the pipeline goes on)',
        'no output holds a raw ESC, BEL or U+009B (`history --recoveries` shows the tail escaped); recovery_actions.output_tail keeps the raw bytes',
        (seen) => judge(seen, noisy, ESCAPED_ESC, stored.noisy, `\u001b[2J\u001b]0;pwned\u0007\u009b${noisy}`),
      ),
    );
  });
});
