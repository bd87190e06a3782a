import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { WatchdogConfig } from '../../src/config/types.js';
import { validateConfig } from '../../src/config/validate-config.js';
import { readHeartbeatFile } from '../../src/heartbeat/read-heartbeat-file.js';
import { openStore } from '../../src/store/open-store.js';
import { realSystem } from '../../src/system/system.js';
import { previewTick } from '../../src/tick/preview-tick.js';
import { heartbeatText, writeFileAt } from '../helpers/heartbeats.js';
import { webProcessEntry } from '../helpers/process-config.js';
import { recordChecks } from '../helpers/record-checks.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { verdictOf } from '../helpers/verdicts.js';

function configIn(dir: string): WatchdogConfig {
  const entry = (key: string, extra: Record<string, unknown> = {}) =>
    webProcessEntry({
      heartbeat_path: join(dir, `${key}.json`),
      // Never run: a preview runs nothing.
      commands: { start: 'false' },
      recovery_actions: ['start'],
      consecutive_failures_threshold: 2,
      ...extra,
    });
  const { config, errors } = validateConfig(
    {
      db_path: join(dir, 'state', 'watchdog.db'),
      processes: {
        up: entry('up'),
        down: entry('down'),
        failing: entry('failing'),
        paused: entry('paused', { enabled: false }),
      },
    },
    join(dir, 'config.json'),
  );
  assert.deepEqual(errors, []);
  assert.ok(config !== undefined);
  return config;
}

describe('previewTick', () => {
  it('says what the next tick would decide for each process, from the audit log, and writes nothing', async () => {
    const dir = makeTempDir();
    const config = configIn(dir);
    writeFileAt(join(dir, 'up.json'), heartbeatText({ process_key: 'up' }));
    const deps = { system: realSystem(), readHeartbeat: readHeartbeatFile };

    const first = await previewTick(config, deps);
    assert.deepEqual(
      first.processes.map((preview) => [
        preview.kind,
        preview.kind === 'disabled' ? undefined : preview.check.verdict.state,
      ]),
      [
        ['no_recovery', 'healthy'],
        ['no_recovery', 'no_heartbeat'],
        ['no_recovery', 'no_heartbeat'],
        ['disabled', undefined],
      ],
    );
    assert.equal(first.network, undefined);
    assert.equal(existsSync(config.db_path), false, 'no audit log was created');

    // One failure recorded for `failing`: the next would reach its threshold.
    const db = openStore(config.db_path);
    try {
      recordChecks(db, '2026-06-30T12:00:00.000000+00:00', [
        { processKey: 'failing', verdict: verdictOf('no_heartbeat'), threshold: 2 },
      ]);
    } finally {
      db.close();
    }
    const second = await previewTick(config, deps);
    const failing = second.processes[2];
    assert.equal(failing?.kind, 'recovery');
    assert.equal(failing.kind === 'recovery' ? failing.check.consecutiveFailures : undefined, 2);
    assert.deepEqual(failing.kind === 'recovery' ? failing.actions.map((action) => action.plan.action) : [], ['start']);
    assert.equal(second.processes[1]?.kind, 'no_recovery', 'down has no failure recorded yet');
  });
});

describe('previewTick on an audit log from before resource limits', () => {
  it('still reads the failure counts from a database a tick has not migrated yet (it has no CPU sample)', async () => {
    const dir = makeTempDir();
    const config = configIn(dir);
    const db = openStore(config.db_path);
    try {
      recordChecks(db, '2026-06-30T12:00:00.000000+00:00', [
        { processKey: 'failing', verdict: verdictOf('no_heartbeat'), threshold: 2 },
      ]);
      // As schema 9 left it: no CPU sample columns.
      for (const column of ['cpu_sample_pid', 'cpu_sample_start_ticks', 'cpu_sample_boot_id', 'cpu_sample_ticks'])
        db.exec(`ALTER TABLE process_state DROP COLUMN ${column}`);
    } finally {
      db.close();
    }
    const withLimits = {
      ...config,
      processes: config.processes.map((process) => ({ ...process, max_memory_mb: 100 })),
    };
    const preview = await previewTick(withLimits, { system: realSystem(), readHeartbeat: readHeartbeatFile });
    const failing = preview.processes[2];
    assert.equal(failing?.kind, 'recovery');
    assert.equal(failing.kind === 'recovery' ? failing.check.consecutiveFailures : undefined, 2);
  });
});
