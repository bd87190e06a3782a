import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { WatchdogEvent } from '../../src/notify/watchdog-event.js';
import { runFilesystemRecovery } from '../../src/recovery/run-filesystem-recovery.js';
import { directWriter } from '../../src/store/audit-writer.js';
import { openStore, type Store } from '../../src/store/open-store.js';
import { readRecoveries } from '../../src/store/read-state.js';
import { onCleanup } from '../helpers/cleanup.js';
import { fakeSystem, type FakeSystemOptions } from '../helpers/fake-system.js';
import { filesystemConfig } from '../helpers/filesystem-config.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { verdictOf } from '../helpers/verdicts.js';
import { recordingLogger } from '../helpers/recording-logger.js';

const TRIGGER = verdictOf('low_space', '12.0 MiB free (1.2%) on /var/log (ext4), below min_free_mb 50');

function freshStore(): Store {
  const db = openStore(join(makeTempDir(), 'state', 'watchdog.db'));
  onCleanup(() => db.close());
  return db;
}

async function recover(options: FakeSystemOptions = {}) {
  const db = freshStore();
  const system = fakeSystem(options);
  const events: WatchdogEvent[] = [];
  const report = await runFilesystemRecovery(
    {
      filesystem: filesystemConfig(),
      kind: 'recovery',
      command: 'check',
      requestedBy: 'cron',
      actions: ['clean_logs', 'compress'],
      trigger: TRIGGER,
    },
    {
      audit: directWriter(db),
      system,
      logger: recordingLogger(),
      outputLogMaxBytes: 4096,
      raise: (e) => events.push(e),
    },
  );
  const [row] = readRecoveries(db, { limit: 1 });
  return { report, row, events, system };
}

describe('runFilesystemRecovery', () => {
  it('runs its commands in order, with its env and cwd, and records and tells the recovery', async () => {
    const { report, row, events, system } = await recover();
    assert.equal(report.outcome, 'succeeded');
    assert.deepEqual(
      system.shellCommands.map((options) => [
        options.command,
        options.cwd,
        options.env.LOG_ROOT,
        options.env.WATCHDOG_PROCESS_KEY,
      ]),
      [
        ['./clean-logs.sh', '/srv/watchdog', '/var/log', 'logs'],
        ['./compress.sh', '/srv/watchdog', '/var/log', 'logs'],
      ],
    );
    assert.deepEqual(
      {
        key: row?.process_key,
        outcome: row?.outcome,
        trigger: row?.trigger_health,
        actions: row?.actions.map((a) => [a.action, a.outcome]),
      },
      {
        key: 'logs',
        outcome: 'succeeded',
        trigger: 'low_space',
        actions: [
          ['clean_logs', 'ok'],
          ['compress', 'ok'],
        ],
      },
    );
    assert.deepEqual(
      events.map((event) => [event.kind, event.processKey, event.displayName]),
      [
        ['recovery_started', 'logs', 'Log folder'],
        ['recovery_succeeded', 'logs', 'Log folder'],
      ],
    );
  });

  it('fails when a command fails, and still runs the next: each cleanup may free space', async () => {
    const { report, row, events } = await recover({
      shellResult: (options) => (options.command === './clean-logs.sh' ? { exitCode: 3 } : {}),
    });
    assert.equal(report.outcome, 'failed');
    assert.match(report.summary, /^clean_logs failed: exited 3/);
    assert.deepEqual(
      row?.actions.map((action) => [action.action, action.outcome]),
      [
        ['clean_logs', 'failed'],
        ['compress', 'ok'],
      ],
    );
    assert.equal(row?.outcome, 'failed');
    assert.deepEqual(
      events.map((event) => event.kind),
      ['recovery_started', 'recovery_failed'],
    );
  });
});
