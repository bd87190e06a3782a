// End-to-end test of the fleet's metrics (docs/metrics.md): the built watchdog's textfile
// after real ticks, a real start and a person's restart: its version, the instances it
// started, when each state began, and the heartbeat's iteration from checks that wait in
// memory without a write to the database.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { writeConfig } from '../helpers/config-files.js';
import { heartbeatText, writeFileAt } from '../helpers/heartbeats.js';
import { killGroupOnCleanup, killProcessOnCleanup } from '../helpers/owned-processes.js';
import { runWatchdog } from '../helpers/run-watchdog.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { fixedOffsetEnv } from '../faults/fake-clock.js';
import { formatUtcTimestamp } from '../../src/time/format-utc-timestamp.js';

const HOUR_MS = 60 * 60 * 1000;

const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** The sample `name{labels}` of a textfile (labels in the order written), or `undefined`. */
function valueOf(text: string, name: string, labels = ''): number | undefined {
  const prefix = `${name}${labels === '' ? '' : `{${labels}}`} `;
  const line = text.split('\n').find((candidate) => candidate.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(prefix.length));
}

/** The database's file and its WAL's frames: what a tick wrote to the card. */
function databaseBytes(dir: string): string {
  const hash = createHash('sha256').update(readFileSync(join(dir, 'watchdog.db')));
  const wal = join(dir, 'watchdog.db-wal');
  if (existsSync(wal) && statSync(wal).size > 0) hash.update(readFileSync(wal));
  return hash.digest('hex');
}

/** The PIDs the start command wrote, one a start; each the leader of its own session, so its group is the test's to kill. */
function startedPids(dir: string): number[] {
  const path = join(dir, 'app.pids');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').trim().split('\n').map(Number);
}

describe('fleet metrics in the textfile of the built watchdog', () => {
  it('exports the build, the instances started, when each state began and the iteration, through folded ticks', async () => {
    const dir = makeTempDir();
    const prom = join(dir, 'watchdog.prom');
    writeConfig(
      dir,
      {
        web: {
          heartbeat_path: 'hb/web.json',
          commands: { start: 'echo $$ >> app.pids; exec sleep 300' },
          max_memory_mb: 1024,
        },
      },
      {
        consecutive_failures_threshold: 1,
        verify_delay: 0.2,
        folded_checks_path: 'run/folded.json',
        metrics: { textfile_path: prom },
      },
    );
    const killed = new Set<number>();
    const own = (): number => {
      const pids = startedPids(dir);
      for (const pid of pids.filter((candidate) => !killed.has(candidate))) {
        killed.add(pid);
        killGroupOnCleanup(pid);
      }
      const last = pids.at(-1);
      assert.ok(last !== undefined, 'the start command ran');
      return last;
    };
    const tick = async (): Promise<{ text: string; startedMs: number; endedMs: number }> => {
      const startedMs = Date.now();
      const result = await runWatchdog(['check'], { cwd: dir });
      const endedMs = Date.now();
      assert.equal(result.code, 0, result.stderr);
      return { text: readFileSync(prom, 'utf8'), startedMs, endedMs };
    };
    const beat = (pid: number, iteration: unknown): void => {
      writeFileAt(join(dir, 'hb/web.json'), heartbeatText({ process_key: 'web', pid, iteration }));
    };
    const within = (value: number | undefined, from: number, to: number, what: string, text: string): void => {
      assert.ok(
        value !== undefined && value * 1000 >= from - 1000 && value * 1000 <= to + 1000,
        `${what} in [${from}, ${to}] ms: ${String(value)}\n${text}`,
      );
    };

    // No heartbeat: the recovery starts the app, a new instance.
    const first = await tick();
    own();
    assert.equal(
      valueOf(
        first.text,
        'watchdog_build_info',
        `version="${PACKAGE_VERSION}",node_version="${process.versions.node}"`,
      ),
      1,
      first.text,
    );
    assert.equal(valueOf(first.text, 'watchdog_process_restarts_total', 'process="web"'), 1, first.text);
    // What the tick left: the app starting, since its start in this tick.
    assert.equal(valueOf(first.text, 'watchdog_process_state', 'process="web",state="starting"'), 1, first.text);
    within(
      valueOf(first.text, 'watchdog_process_state_since_timestamp_seconds', 'process="web"'),
      first.startedMs,
      first.endedMs,
      'starting since this tick',
      first.text,
    );
    assert.equal(valueOf(first.text, 'watchdog_process_heartbeat_iteration', 'process="web"'), undefined);
    assert.equal(valueOf(first.text, 'watchdog_process_memory_limit_bytes', 'process="web"'), 1024 * 1024 * 1024);

    // The app beats: healthy from this tick on, at iteration 41.
    const pid = own();
    beat(pid, 41);
    const second = await tick();
    assert.equal(valueOf(second.text, 'watchdog_process_state', 'process="web",state="healthy"'), 1, second.text);
    const healthySince = valueOf(second.text, 'watchdog_process_state_since_timestamp_seconds', 'process="web"');
    within(healthySince, second.startedMs, second.endedMs, 'healthy since this tick', second.text);
    assert.equal(valueOf(second.text, 'watchdog_process_heartbeat_iteration', 'process="web"'), 41, second.text);

    // Healthy ticks change nothing the database holds: they wait in memory, and the textfile still follows the iteration.
    beat(pid, 42);
    await tick();
    const before = databaseBytes(dir);
    for (const iteration of [43, 44]) {
      beat(pid, iteration);
      const healthy = await tick();
      assert.equal(
        valueOf(healthy.text, 'watchdog_process_heartbeat_iteration', 'process="web"'),
        iteration,
        healthy.text,
      );
      assert.equal(
        valueOf(healthy.text, 'watchdog_process_state_since_timestamp_seconds', 'process="web"'),
        healthySince,
        'the state began at the second tick, whatever the ticks since',
      );
      assert.equal(valueOf(healthy.text, 'watchdog_process_restarts_total', 'process="web"'), 1);
    }
    assert.equal(databaseBytes(dir), before, 'two healthy ticks left the database and its WAL as they were');

    // A heartbeat iteration no reader accepts: the heartbeat cannot be trusted (within the start's grace: `starting`),
    // no iteration is exported, and the new state began at this tick.
    beat(pid, 2 ** 60);
    const hostile = await tick();
    assert.equal(
      valueOf(hostile.text, 'watchdog_process_heartbeat_iteration', 'process="web"'),
      undefined,
      hostile.text,
    );
    assert.equal(valueOf(hostile.text, 'watchdog_process_up', 'process="web"'), 0, hostile.text);
    within(
      valueOf(hostile.text, 'watchdog_process_state_since_timestamp_seconds', 'process="web"'),
      hostile.startedMs,
      hostile.endedMs,
      'the new state since this tick',
      hostile.text,
    );

    // A person's restart starts a second instance; the next tick counts it.
    const restart = await runWatchdog(['restart', 'web'], { cwd: dir });
    assert.equal(restart.code, 0, restart.stderr);
    const second_pid = own();
    assert.notEqual(second_pid, pid);
    beat(second_pid, 1);
    const after = await tick();
    assert.equal(valueOf(after.text, 'watchdog_process_restarts_total', 'process="web"'), 2, after.text);
    assert.equal(valueOf(after.text, 'watchdog_process_heartbeat_iteration', 'process="web"'), 1, after.text);
  });
});

describe('the start of a state across a clock set back (libfaketime)', () => {
  it('is never after a check that saw the state, also while the checks wait in memory', async () => {
    const dir = makeTempDir();
    const prom = join(dir, 'watchdog.prom');
    const app = spawn('sleep', ['300'], { stdio: 'ignore' });
    assert.ok(app.pid !== undefined);
    killProcessOnCleanup(app.pid);
    writeConfig(
      dir,
      { web: { heartbeat_path: 'hb/web.json' } },
      { folded_checks_path: 'run/folded.json', metrics: { textfile_path: prom } },
    );
    const beat = (offsetMs: number): void => {
      const timestamp = formatUtcTimestamp(new Date(Date.now() + offsetMs));
      writeFileAt(join(dir, 'hb/web.json'), heartbeatText({ process_key: 'web', pid: app.pid, timestamp }));
    };
    const tick = async (env: Record<string, string>): Promise<string> => {
      const result = await runWatchdog(['check'], { cwd: dir, env });
      assert.equal(result.code, 0, result.stderr);
      return readFileSync(prom, 'utf8');
    };
    const since = (text: string): number | undefined =>
      valueOf(text, 'watchdog_process_state_since_timestamp_seconds', 'process="web"');
    const lastCheck = (text: string): number | undefined =>
      valueOf(text, 'watchdog_process_last_check_timestamp_seconds', 'process="web"');

    // The device's clock ran an hour fast: the app was seen healthy "an hour from now".
    beat(HOUR_MS);
    const fast = await tick(fixedOffsetEnv('+1h'));
    assert.ok((since(fast) ?? 0) * 1000 > Date.now() + HOUR_MS - 60_000, fast);
    // NTP set it right: the healthy checks since change nothing the database holds, and wait in
    // memory (after the first, whose retention pass runs at once: its last one is in the future).
    let before = '';
    const seen: number[] = [];
    for (let index = 0; index < 3; index += 1) {
      beat(0);
      const startedMs = Date.now();
      const text = await tick({});
      const value = since(text);
      const checked = lastCheck(text);
      assert.ok(value !== undefined && checked !== undefined, text);
      assert.ok(value <= checked, `the state began no later than the check that saw it:\n${text}`);
      assert.ok(value * 1000 <= startedMs + 60_000, `not in the future of the clock now: ${value}`);
      seen.push(value);
      if (index === 0) before = databaseBytes(dir);
    }
    assert.equal(seen[2], seen[0], 'it stays at the first check on the new clock, not each later one');
    assert.equal(databaseBytes(dir), before, 'the checks after the step waited in memory');
  });
});
