import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { WatchdogConfig } from '../../src/config/types.js';
import { validateConfig } from '../../src/config/validate-config.js';
import { readHeartbeatFile } from '../../src/heartbeat/read-heartbeat-file.js';
import type { Logger } from '../../src/logging/logger.js';
import { openStore } from '../../src/store/open-store.js';
import { readHistory, readProcessStates } from '../../src/store/read-state.js';
import { realSystem } from '../../src/system/system.js';
import { runCheckTick } from '../../src/tick/run-check-tick.js';
import type { TickDeps } from '../../src/tick/tick-deps.js';
import { formatUtcTimestamp } from '../../src/time/format-utc-timestamp.js';
import { heartbeatText, writeFileAt } from '../helpers/heartbeats.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { recordingLogger } from '../helpers/recording-logger.js';

function configIn(
  dir: string,
  processes: Record<string, { heartbeat: string; enabled?: boolean }>,
  threshold = 2,
): WatchdogConfig {
  const raw = {
    consecutive_failures_threshold: threshold,
    processes: Object.fromEntries(
      Object.entries(processes).map(([key, { heartbeat, enabled = true }]) => [
        key,
        {
          display_name: key,
          timeout_seconds: 60,
          heartbeat_path: heartbeat,
          enabled,
          commands: { start: 'true' },
          recovery_actions: ['kill', 'start'],
        },
      ]),
    ),
  };
  const { config, errors } = validateConfig(raw, join(dir, 'config.json'));
  assert.deepEqual(errors, []);
  assert.ok(config !== undefined);
  return config;
}

function deps(now: Date, logger: Logger): TickDeps {
  return { system: { ...realSystem(), now: () => now }, readHeartbeat: readHeartbeatFile, logger };
}

describe('runCheckTick', () => {
  it('checks every process of a folder of malformed heartbeats in one tick, never stopping at one', async () => {
    const dir = makeTempDir();
    const hb = (name: string) => join(dir, 'hb', name);
    const now = new Date();
    writeFileAt(hb('healthy.json'), heartbeatText({ process_key: 'healthy' }));
    writeFileAt(hb('empty.json'), '');
    writeFileAt(hb('truncated.json'), heartbeatText({ process_key: 'truncated' }).slice(0, 30));
    writeFileAt(hb('array.json'), '[1, 2]');
    writeFileAt(hb('pid_minus_one.json'), heartbeatText({ process_key: 'pid_minus_one', pid: -1 }));
    writeFileAt(hb('pid_null.json'), heartbeatText({ process_key: 'pid_null', pid: null }));
    writeFileAt(hb('naive.json'), heartbeatText({ process_key: 'naive', timestamp: '2026-02-05T06:17:29.601049' }));
    writeFileAt(
      hb('future.json'),
      heartbeatText({ process_key: 'future', timestamp: formatUtcTimestamp(new Date(now.getTime() + 3_600_000)) }),
    );
    writeFileAt(hb('latin1.json'), Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x7d]));
    mkdirSync(hb('directory.json'), { recursive: true });
    execFileSync('mkfifo', [hb('fifo.json')]);
    writeFileAt(
      hb('old.json'),
      heartbeatText({ process_key: 'old', timestamp: formatUtcTimestamp(new Date(now.getTime() - 600_000)) }),
    );
    writeFileAt(hb('error.json'), heartbeatText({ process_key: 'error', status: 'error' }));
    writeFileAt(hb('other_key.json'), heartbeatText({ process_key: 'someone_else' }));
    const names = [
      'healthy',
      'empty',
      'truncated',
      'array',
      'pid_minus_one',
      'pid_null',
      'naive',
      'future',
      'latin1',
      'directory',
      'fifo',
      'old',
      'error',
      'other_key',
      'missing',
    ];
    const config = configIn(dir, Object.fromEntries(names.map((name) => [name, { heartbeat: `hb/${name}.json` }])));

    const logger = recordingLogger();
    const outcome = await runCheckTick(config, deps(now, logger));
    assert.equal(outcome.kind, 'ran');
    const states = Object.fromEntries(outcome.checks.map((check) => [check.process.key, check.verdict.state]));
    assert.deepEqual(states, {
      healthy: 'healthy',
      empty: 'invalid_heartbeat',
      truncated: 'invalid_heartbeat',
      array: 'invalid_heartbeat',
      pid_minus_one: 'invalid_heartbeat',
      pid_null: 'invalid_heartbeat',
      naive: 'invalid_heartbeat',
      future: 'invalid_heartbeat',
      latin1: 'invalid_heartbeat',
      directory: 'invalid_heartbeat',
      fifo: 'invalid_heartbeat',
      old: 'timed_out',
      error: 'error_status',
      other_key: 'healthy',
      missing: 'no_heartbeat',
    });

    const db = openStore(config.db_path);
    try {
      const rows = readHistory(db, { limit: 100 });
      assert.equal(rows.length, names.length, 'one history row per process');
      assert.ok(
        rows.every((row) => row.checked_at === rows[0]?.checked_at),
        'all in the same tick',
      );
      const stored = readProcessStates(db);
      assert.match(stored.get('pid_minus_one')?.last_reason ?? '', /pid must be an integer/);
      assert.match(stored.get('naive')?.last_reason ?? '', /no time zone/);
      assert.match(stored.get('fifo')?.last_reason ?? '', /not a regular file/);
      assert.match(stored.get('other_key')?.last_warning ?? '', /someone_else/);
      assert.equal(stored.get('healthy')?.last_pid, process.pid);
    } finally {
      db.close();
    }
    assert.ok(logger.lines.some((line) => line.startsWith('warn other_key: heartbeat names process_key')));
    assert.ok(logger.lines.some((line) => line === 'warn missing: no_heartbeat (no heartbeat file), failure 1/2'));
  });

  it('records a check the watchdog could not complete as check_error, without counting it against the app', async () => {
    const dir = makeTempDir();
    writeFileAt(join(dir, 'web.json'), heartbeatText({ process_key: 'web' }));
    // A threshold no test reaches: this is about counting, not recovering.
    const config = configIn(dir, { web: { heartbeat: 'web.json' }, gone: { heartbeat: 'gone.json' } }, 10);
    const logger = recordingLogger();
    const real = realSystem();
    const brokenProcfs = {
      ...real.processes,
      liveness: (): never => {
        throw Object.assign(new Error('EACCES: permission denied, open /proc/1234/status'), { code: 'EACCES' });
      },
    };
    for (let tick = 0; tick < 3; tick += 1) {
      const outcome = await runCheckTick(config, {
        ...deps(new Date(), logger),
        system: { ...real, processes: brokenProcfs },
      });
      assert.equal(outcome.kind, 'ran');
      const web = outcome.checks.find((check) => check.process.key === 'web');
      assert.equal(web?.verdict.state, 'check_error');
      assert.match(web?.verdict.reason ?? '', /^the watchdog could not check this process: EACCES/);
      assert.equal(web?.consecutiveFailures, 0);
      assert.equal(web?.recoveryDue, false);
      // The other process is still checked and counted.
      assert.equal(outcome.checks.find((check) => check.process.key === 'gone')?.consecutiveFailures, tick + 1);
    }
  });

  it('applies retention in the tick: checks older than history_retention_days are deleted', async () => {
    const dir = makeTempDir();
    const config = configIn(dir, { web: { heartbeat: 'web.json' } });
    const db = openStore(config.db_path);
    db.prepare(
      "INSERT INTO check_history (process_key, checked_at, health) VALUES ('web', '2020-01-01T00:00:00.000000+00:00', 'healthy')",
    ).run();
    db.close();
    const logger = recordingLogger();
    await runCheckTick(config, deps(new Date(), logger));
    const after = openStore(config.db_path);
    try {
      assert.deepEqual(
        readHistory(after, { limit: 10 }).map((row) => row.health),
        ['no_heartbeat'],
      );
    } finally {
      after.close();
    }
    assert.ok(
      logger.lines.includes(
        'info retention: deleted 1 check row, 0 recoveries and 0 network events older than 30 days',
      ),
    );
  });

  it('does not check disabled processes', async () => {
    const dir = makeTempDir();
    const config = configIn(dir, { on: { heartbeat: 'on.json' }, off: { heartbeat: 'off.json', enabled: false } });
    const outcome = await runCheckTick(config, deps(new Date(), recordingLogger()));
    assert.equal(outcome.kind, 'ran');
    assert.deepEqual(
      outcome.checks.map((check) => check.process.key),
      ['on'],
    );
  });

  it('does nothing when another instance holds the lock, and says so in the log', async () => {
    const dir = makeTempDir();
    const config = configIn(dir, { web: { heartbeat: 'web.json' } });
    const logger = recordingLogger();
    const outcome = await runCheckTick(config, {
      ...deps(new Date(), logger),
      acquireLock: () => Promise.resolve(undefined),
    });
    assert.deepEqual(outcome, { kind: 'lock-held', lockPath: config.lock_path });
    assert.equal(existsSync(config.db_path), false, 'no database touched');
    assert.deepEqual(logger.lines, [
      `info another watchdog instance holds the lock ${config.lock_path}; this tick does nothing`,
    ]);
  });

  it('releases the lock even when the database cannot be used', async () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'blocker'), '');
    const config = {
      ...configIn(dir, { web: { heartbeat: 'web.json' } }),
      db_path: join(dir, 'blocker', 'watchdog.db'),
    };
    let released = false;
    await assert.rejects(
      runCheckTick(config, {
        ...deps(new Date(), recordingLogger()),
        acquireLock: () =>
          Promise.resolve(async () => {
            released = true;
          }),
      }),
      /cannot use the audit database/,
    );
    assert.equal(released, true);
  });
});
