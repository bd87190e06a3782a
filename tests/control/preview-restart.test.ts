import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { previewRestart, stateBeforeRestart } from '../../src/control/preview-restart.js';
import { NO_PREVIOUS_STATE } from '../../src/recovery/assess-check.js';
import type { WatchdogConfig } from '../../src/config/types.js';
import { validateConfig } from '../../src/config/validate-config.js';
import { readHeartbeatFile } from '../../src/heartbeat/read-heartbeat-file.js';
import { openStore } from '../../src/store/open-store.js';
import { setOff } from '../../src/store/process-control.js';
import { realSystem } from '../../src/system/system.js';
import { heartbeatText, writeFileAt } from '../helpers/heartbeats.js';
import { webProcessEntry } from '../helpers/process-config.js';
import { recordChecks } from '../helpers/record-checks.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { verdictOf } from '../helpers/verdicts.js';

function configIn(dir: string, recoveryActions: string[]): WatchdogConfig {
  const { config, errors } = validateConfig(
    {
      db_path: join(dir, 'state', 'watchdog.db'),
      processes: {
        // Never run: a preview runs nothing.
        app: webProcessEntry({
          heartbeat_path: join(dir, 'app.json'),
          commands: { start: 'false' },
          recovery_actions: recoveryActions,
        }),
      },
    },
    join(dir, 'config.json'),
  );
  assert.deepEqual(errors, []);
  assert.ok(config !== undefined);
  return config;
}

const deps = { system: realSystem(), readHeartbeat: readHeartbeatFile };

describe('stateBeforeRestart', () => {
  const at = '2026-06-30T12:00:00.000000+00:00';
  it('clears off, and a give-up with its failure count, and keeps the rest', () => {
    const started = { ...NO_PREVIOUS_STATE, startedAt: at, consecutiveFailures: 4 };
    assert.deepEqual(stateBeforeRestart({ ...started, offSince: at, offBy: 'alice' }), started);
    assert.deepEqual(stateBeforeRestart({ ...started, gaveUpAt: at, gaveUpReason: 'crash loop' }), {
      ...started,
      consecutiveFailures: 0,
    });
    assert.deepEqual(stateBeforeRestart(started), started);
  });
});

describe('previewRestart', () => {
  it('names the actions a restart would run, and creates no audit log', async () => {
    const config = configIn(makeTempDir(), ['start']);
    const [app] = config.processes;
    assert.ok(app !== undefined);
    const preview = await previewRestart(config, app, deps);
    assert.equal(preview.kind, 'restart');
    assert.equal(preview.verdict.state, 'no_heartbeat');
    assert.deepEqual(preview.kind === 'restart' ? preview.actions.map((action) => action.plan.action) : [], ['start']);
    assert.equal(existsSync(config.db_path), false);
  });

  it('judges a process turned off as on, as the restart turns it on first', async () => {
    const config = configIn(makeTempDir(), ['start']);
    const [app] = config.processes;
    assert.ok(app !== undefined);
    const db = openStore(config.db_path);
    try {
      setOff(db, 'app', '2026-06-30T12:00:00.000000+00:00', 'alice');
    } finally {
      db.close();
    }
    assert.equal((await previewRestart(config, app, deps)).verdict.state, 'no_heartbeat');
  });

  it('judges a process the crash-loop guard gave up on by its heartbeat, as the restart takes over first', async () => {
    const config = configIn(makeTempDir(), ['start']);
    const [app] = config.processes;
    assert.ok(app !== undefined);
    const db = openStore(config.db_path);
    try {
      recordChecks(db, '2026-06-30T12:00:00.000000+00:00', [
        { processKey: 'app', verdict: verdictOf('no_heartbeat'), threshold: 2 },
      ]);
      db.prepare(
        "UPDATE process_state SET gave_up_at = ?, gave_up_reason = 'crash loop' WHERE process_key = 'app'",
      ).run('2026-06-30T12:00:00.000000+00:00');
    } finally {
      db.close();
    }
    const preview = await previewRestart(config, app, deps);
    assert.equal(preview.verdict.state, 'no_heartbeat');
    assert.equal(preview.kind, 'restart');
  });

  it('is refused where the restart would be: a live app the pipeline has no kill to stop', async () => {
    const dir = makeTempDir();
    const config = configIn(dir, ['start']);
    const [app] = config.processes;
    assert.ok(app !== undefined);
    // A healthy heartbeat naming this test's own process: the app runs, and nothing would stop it.
    writeFileAt(join(dir, 'app.json'), heartbeatText({ process_key: 'app' }));
    const preview = await previewRestart(config, app, deps);
    assert.equal(preview.kind, 'refused');
    assert.equal(preview.verdict.state, 'healthy');
    assert.match(preview.kind === 'refused' ? preview.why : '', /second copy/);
  });
});
