import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ProcessConfig } from '../../src/config/types.js';
import type { HealthVerdict } from '../../src/heartbeat/classify-heartbeat.js';
import type { WatchdogEvent } from '../../src/notify/watchdog-event.js';
import { runRecovery, type RecoveryRequest } from '../../src/recovery/run-recovery.js';
import { directWriter } from '../../src/store/audit-writer.js';
import { openStore, type Store } from '../../src/store/open-store.js';
import { readRecoveries } from '../../src/store/read-state.js';
import type { RecoveryKind } from '../../src/store/record-recovery.js';
import { formatSeconds } from '../../src/time/format-duration.js';
import { formatUtcTimestamp } from '../../src/time/format-utc-timestamp.js';
import { onCleanup } from '../helpers/cleanup.js';
import { exitOn, FAKE_NOW_MS, fakeSystem, type FakeSystem, type FakeSystemOptions } from '../helpers/fake-system.js';
import { processConfig } from '../helpers/process-config.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { verdictOf } from '../helpers/verdicts.js';
import { recordingLogger } from '../helpers/recording-logger.js';

const APP = 4000;

function freshStore(): Store {
  const db = openStore(join(makeTempDir(), 'state', 'watchdog.db'));
  onCleanup(() => db.close());
  return db;
}

const TRIGGER: HealthVerdict = verdictOf('timed_out', 'last heartbeat 10m ago', { pid: APP, heartbeatAgeSeconds: 600 });

function request(
  process: ProcessConfig,
  kind: RecoveryKind,
  actions: readonly string[],
  requestedBy = 'cron',
): RecoveryRequest {
  return {
    process,
    kind,
    command: kind === 'recovery' ? 'check' : kind,
    requestedBy,
    actions,
    trigger: TRIGGER,
    heartbeat: TRIGGER,
  };
}

interface Run {
  events: WatchdogEvent[];
  /** The recovery's row id as the audit log has it when each event was raised. */
  rowsWhenRaised: (string | undefined)[];
  system: FakeSystem;
  recoveryId: number;
}

async function run(
  kind: RecoveryKind,
  actions: readonly string[],
  options: FakeSystemOptions = {},
  requestedBy = 'cron',
): Promise<Run> {
  const db = freshStore();
  const system = fakeSystem({ processes: [{ pid: APP, startTime: 777 }], onSignal: exitOn('SIGTERM'), ...options });
  const events: WatchdogEvent[] = [];
  const rowsWhenRaised: (string | undefined)[] = [];
  const report = await runRecovery(request(processConfig(), kind, actions, requestedBy), {
    audit: directWriter(db),
    system,
    logger: recordingLogger(),
    outputLogMaxBytes: 4096,
    raise: (event) => {
      events.push(event);
      const [row] = readRecoveries(db, { limit: 1 });
      rowsWhenRaised.push(row === undefined ? undefined : `#${row.id} ${row.outcome}`);
    },
  });
  return { events, rowsWhenRaised, system, recoveryId: report.recoveryId };
}

describe('runRecovery: events', () => {
  it('raises recovery_started, then recovery_succeeded, with the facts of the recovery', async () => {
    const { events, rowsWhenRaised, system, recoveryId } = await run('recovery', ['kill', 'clear_db', 'start']);
    const durationMs = system.clockMs - FAKE_NOW_MS;
    const facts = {
      recovery_id: recoveryId,
      kind: 'recovery',
      requested_by: 'cron',
      trigger: 'timed_out',
      reason: 'last heartbeat 10m ago',
    };
    assert.deepEqual(events, [
      {
        kind: 'recovery_started',
        at: formatUtcTimestamp(new Date(FAKE_NOW_MS)),
        processKey: 'web',
        displayName: 'The web app',
        summary: `web: recovery #${recoveryId} started: timed_out (last heartbeat 10m ago)`,
        details: { ...facts, actions: 'kill → clear_db → start' },
      },
      {
        kind: 'recovery_succeeded',
        at: formatUtcTimestamp(new Date(system.clockMs)),
        processKey: 'web',
        displayName: 'The web app',
        summary: `web: recovery #${recoveryId} succeeded after ${formatSeconds(durationMs / 1000)}`,
        details: { ...facts, duration_seconds: durationMs / 1000, started_pid: 6000, problem: null },
      },
    ]);
    assert.deepEqual(
      rowsWhenRaised,
      [`#${recoveryId} running`, `#${recoveryId} succeeded`],
      'raised once the audit log has the recovery, and its outcome',
    );
  });

  it('raises recovery_failed with the problem when the start fails', async () => {
    const { events, system, recoveryId } = await run('recovery', ['kill', 'start'], {
      startResult: () => ({ outcome: 'exited', exitCode: 1, pid: 6000 }),
    });
    assert.deepEqual(
      events.map((event) => event.kind),
      ['recovery_started', 'recovery_failed'],
    );
    const failed = events[1];
    const durationMs = system.clockMs - FAKE_NOW_MS;
    const problem = failed?.details.problem;
    assert.equal(typeof problem, 'string');
    assert.match(String(problem), /^start failed: the start command exited 1/);
    assert.equal(
      failed?.summary,
      `web: recovery #${recoveryId} failed after ${formatSeconds(durationMs / 1000)}: ${String(problem)}`,
    );
    assert.deepEqual(failed?.details, {
      recovery_id: recoveryId,
      kind: 'recovery',
      requested_by: 'cron',
      trigger: 'timed_out',
      reason: 'last heartbeat 10m ago',
      duration_seconds: durationMs / 1000,
      started_pid: null,
      problem,
    });
  });

  it('raises the events of a restart, naming who asked', async () => {
    const { events, recoveryId } = await run('restart', ['kill', 'start'], {}, 'alice');
    assert.deepEqual(
      events.map((event) => [event.kind, event.details.kind, event.details.requested_by, event.details.recovery_id]),
      [
        ['recovery_started', 'restart', 'alice', recoveryId],
        ['recovery_succeeded', 'restart', 'alice', recoveryId],
      ],
    );
    assert.equal(events[0]?.summary, `web: restart #${recoveryId} started: timed_out (last heartbeat 10m ago)`);
  });

  it('says "none" for the actions of an empty pipeline', async () => {
    const { events } = await run('recovery', []);
    assert.equal(events[0]?.details.actions, 'none');
  });

  for (const kind of ['stop', 'start'] as const) {
    it(`raises nothing for a ${kind} (off and on tell of those themselves)`, async () => {
      const { events } = await run(kind, kind === 'stop' ? ['kill'] : ['start']);
      assert.deepEqual(events, []);
    });
  }

  it('runs as before without a raise function', async () => {
    const db = freshStore();
    const system = fakeSystem({ processes: [{ pid: APP, startTime: 777 }], onSignal: exitOn('SIGTERM') });
    const report = await runRecovery(request(processConfig(), 'recovery', ['kill', 'start']), {
      audit: directWriter(db),
      system,
      logger: recordingLogger(),
      outputLogMaxBytes: 4096,
    });
    assert.equal(report.outcome, 'succeeded');
  });
});
