import { directWriter } from '../../src/store/audit-writer.js';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ProcessConfig } from '../../src/config/types.js';
import type { HealthVerdict } from '../../src/heartbeat/classify-heartbeat.js';
import type { ActionResult } from '../../src/recovery/action-result.js';
import type { ActionPlan } from '../../src/recovery/plan-recovery.js';
import { planActions } from '../../src/recovery/plan-recovery.js';
import { runPipeline } from '../../src/recovery/run-pipeline.js';
import { runRecovery, type RecoveryRequest } from '../../src/recovery/run-recovery.js';
import { openStore, type Store } from '../../src/store/open-store.js';
import { readHistory, readProcessStates, readRecoveries } from '../../src/store/read-state.js';
import { recordChecks } from '../helpers/record-checks.js';
import { formatUtcTimestamp } from '../../src/time/format-utc-timestamp.js';
import {
  exitOn,
  FAKE_BOOT_ID,
  FAKE_BOOT_MS,
  FAKE_NOW_MS,
  fakeSystem,
  systemError,
  type FakeSystemOptions,
} from '../helpers/fake-system.js';
import { processConfig } from '../helpers/process-config.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { verdictOf } from '../helpers/verdicts.js';
import { recordingLogger } from '../helpers/recording-logger.js';

const APP = 4000;
const LIMITS = { outputLogMaxBytes: 1_048_576 };

const plansFor = (process: ProcessConfig, actions: string[]): ActionPlan[] =>
  planActions(process, actions, { pid: APP }, LIMITS);

/** A hung app (leads its group) that exits on SIGTERM, unless the options say otherwise. */
const systemWith = (options: FakeSystemOptions = {}) =>
  fakeSystem({ processes: [{ pid: APP, startTime: 777 }], onSignal: exitOn('SIGTERM'), ...options });

const context = (process: ProcessConfig) => ({ process, reason: 'timed_out (last heartbeat 10m ago)' });

describe('runPipeline', () => {
  it('runs every action in order and reports the start', async () => {
    const process = processConfig();
    const system = systemWith();
    const seen: [string, number][] = [];
    const result = await runPipeline(
      plansFor(process, ['kill', 'clear_db', 'start']),
      context(process),
      system,
      (action, position) => seen.push([action.action, position]),
    );
    assert.deepEqual(seen, [
      ['kill', 0],
      ['clear_db', 1],
      ['start', 2],
    ]);
    assert.deepEqual(
      result.actions.map((action) => [action.action, action.outcome]),
      [
        ['kill', 'ok'],
        ['clear_db', 'ok'],
        ['start', 'ok'],
      ],
    );
    assert.equal(result.outcome, 'succeeded');
    assert.equal(result.started, result.actions[2]);
    assert.equal(result.started?.pid, 6000);
    assert.equal(result.summary, '');
  });

  it('stops at a failed kill: the rest is skipped, nothing is run or started', async () => {
    const process = processConfig({ commands: { start: './start.sh', clear_db: './clear.sh', notify: './notify.sh' } });
    const system = systemWith({
      onSignal: () => {
        throw systemError('EPERM');
      },
    });
    const seen: ActionResult[] = [];
    const result = await runPipeline(
      plansFor(process, ['kill', 'clear_db', 'start', 'notify']),
      context(process),
      system,
      (action) => seen.push(action),
    );
    assert.deepEqual(
      result.actions.map((action) => [action.action, action.outcome, action.detail]),
      [
        ['kill', 'failed', result.actions[0]?.detail],
        ['clear_db', 'skipped', 'not run: kill failed'],
        ['start', 'skipped', 'not run: kill failed'],
        ['notify', 'skipped', 'not run: kill failed'],
      ],
    );
    assert.deepEqual(seen, result.actions, 'every action, skipped ones too, is reported as it ends');
    assert.deepEqual([system.shellCommands, system.starts], [[], []]);
    assert.equal(result.outcome, 'failed');
    assert.equal(result.started, undefined);
    assert.match(result.summary, /^kill failed: process group 4000: cannot send SIGTERM: EPERM/);
  });

  it('takes a failed custom action as a warning and goes on', async () => {
    const process = processConfig({ commands: { start: './start.sh', clear_db: './clear.sh', notify: './notify.sh' } });
    const system = systemWith({
      shellResult: (options) =>
        options.command.startsWith('./clear.sh')
          ? { exitCode: 3 }
          : { timedOut: true, exitCode: null, signal: 'SIGKILL' },
    });
    const result = await runPipeline(
      plansFor(process, ['kill', 'clear_db', 'notify', 'start']),
      context(process),
      system,
      () => undefined,
    );
    assert.deepEqual(
      result.actions.map((action) => [action.action, action.outcome]),
      [
        ['kill', 'ok'],
        ['clear_db', 'failed'],
        ['notify', 'failed'],
        ['start', 'ok'],
      ],
    );
    assert.equal(system.starts.length, 1);
    assert.equal(result.outcome, 'succeeded');
    assert.equal(result.started?.action, 'start');
    assert.equal(
      result.summary,
      'warning: clear_db failed: exited 3 after 12ms; warning: notify failed: timed out after 60s (cleanup_timeout); its process tree was killed',
    );
  });

  it('with commandsMustSucceed, fails when a command fails, and still runs the next', async () => {
    const process = processConfig({
      commands: { start: './start.sh', purge: './purge.sh', compress: './compress.sh' },
    });
    const system = systemWith({
      shellResult: (options) => (options.command === './purge.sh --force' ? { exitCode: 4 } : {}),
    });
    const result = await runPipeline(
      plansFor(process, ['purge', 'compress']),
      context(process),
      system,
      () => undefined,
      { commandsMustSucceed: true },
    );
    assert.deepEqual(
      result.actions.map((action) => [action.action, action.outcome]),
      [
        ['purge', 'failed'],
        ['compress', 'ok'],
      ],
    );
    assert.equal(result.outcome, 'failed');
    assert.equal(result.summary, 'purge failed: exited 4 after 12ms');
  });

  it('fails when start fails, and skips what comes after it', async () => {
    const process = processConfig({ commands: { start: './start.sh', notify: './notify.sh' } });
    const system = systemWith({ startResult: () => ({ outcome: 'exited', exitCode: 1, pid: 6000 }) });
    const result = await runPipeline(
      plansFor(process, ['kill', 'start', 'notify']),
      context(process),
      system,
      () => undefined,
    );
    assert.deepEqual(
      result.actions.map((action) => [action.action, action.outcome]),
      [
        ['kill', 'ok'],
        ['start', 'failed'],
        ['notify', 'skipped'],
      ],
    );
    assert.deepEqual(system.shellCommands, []);
    assert.equal(result.outcome, 'failed');
    assert.equal(result.started, undefined);
    assert.match(result.summary, /^start failed: the start command exited 1 within 2s \(verify_delay\)/);
    assert.equal(result.actions[2]?.detail, 'not run: start failed');
  });

  it('goes on to start when there is nothing to kill or the kill is refused', async () => {
    const process = processConfig();
    for (const candidate of [
      { pid: undefined, refused: false, why: 'no PID known (no heartbeat file)' },
      { pid: undefined, refused: true, why: 'the heartbeat is not trusted (bad timestamp)' },
    ]) {
      const system = systemWith();
      const result = await runPipeline(
        planActions(process, ['kill', 'start'], candidate, LIMITS),
        context(process),
        system,
        () => undefined,
      );
      assert.deepEqual(
        result.actions.map((action) => action.outcome),
        [candidate.refused ? 'refused' : 'nothing_to_kill', 'ok'],
      );
      assert.equal(result.outcome, 'succeeded');
      assert.deepEqual(system.signals, []);
    }
  });

  it('reports both a warning and the failure that stopped it', async () => {
    const process = processConfig();
    const system = systemWith({
      shellResult: () => ({ exitCode: 2 }),
      startResult: () => ({ outcome: 'spawn-failed', pid: undefined, error: 'spawn /bin/sh ENOENT' }),
      moveFile: () => {
        throw systemError('ENOENT');
      },
    });
    const result = await runPipeline(
      plansFor(process, ['clear_db', 'start']),
      context(process),
      system,
      () => undefined,
    );
    assert.equal(
      result.summary,
      'start failed: could not run the start command: spawn /bin/sh ENOENT; warning: clear_db failed: exited 2 after 12ms',
    );
  });
});

const DB_NOW = formatUtcTimestamp(new Date(FAKE_NOW_MS));

function storeWithDueCheck(): { db: Store; historyId: number } {
  const db = openStore(join(makeTempDir(), 'watchdog.db'));
  recordChecks(db, formatUtcTimestamp(new Date(FAKE_NOW_MS - 60_000)), [
    { processKey: 'web', verdict: verdictOf('timed_out'), threshold: 2 },
  ]);
  const [due] = recordChecks(db, DB_NOW, [{ processKey: 'web', verdict: verdictOf('timed_out'), threshold: 2 }]);
  assert.equal(due?.recoveryDue, true);
  return { db, historyId: due.historyId };
}

const TRIGGER: HealthVerdict = verdictOf('timed_out', 'last heartbeat 10m ago', { pid: APP, heartbeatAgeSeconds: 600 });

function request(process: ProcessConfig, historyId?: number): RecoveryRequest {
  return {
    process,
    kind: 'recovery',
    command: 'check',
    requestedBy: 'cron',
    actions: process.recovery_actions,
    trigger: TRIGGER,
    heartbeat: TRIGGER,
    historyId,
  };
}

describe('runRecovery', () => {
  it('records a successful recovery: the row, each action in order, the start and its grace, the triggering check', async () => {
    const { db, historyId } = storeWithDueCheck();
    try {
      const process = processConfig({ start_grace_seconds: 45 });
      const seenWhileRunning: string[] = [];
      const system = systemWith({
        shellResult: () => {
          // The recovery is in the audit log while it runs, with each action as it ended.
          const [row] = readRecoveries(db, { limit: 1 });
          seenWhileRunning.push(`${row?.outcome} ${row?.actions.map((action) => action.action).join(',')}`);
          return { exitCode: 0, outputTail: 'cleared 12 rows\n' };
        },
      });
      const logger = recordingLogger();
      const report = await runRecovery(request(process, historyId), {
        audit: directWriter(db),
        system,
        logger,
        outputLogMaxBytes: 4096,
      });
      assert.deepEqual(seenWhileRunning, ['running kill']);

      assert.deepEqual(
        [report.outcome, report.processKey, report.kind, report.durationMs],
        ['succeeded', 'web', 'recovery', system.clockMs - FAKE_NOW_MS],
      );
      const [recovery] = readRecoveries(db, { processKey: 'web', limit: 10 });
      assert.ok(recovery !== undefined);
      const finishedAt = formatUtcTimestamp(new Date(system.clockMs));
      assert.deepEqual(
        { ...recovery, actions: undefined },
        {
          id: report.recoveryId,
          process_key: 'web',
          kind: 'recovery',
          command: 'check',
          requested_by: 'cron',
          trigger_health: 'timed_out',
          trigger_reason: 'last heartbeat 10m ago',
          started_at: DB_NOW,
          finished_at: finishedAt,
          duration_ms: report.durationMs,
          outcome: 'succeeded',
          detail: null,
          started_pid: 6000,
          // The boot and the boot clock at its start and end: the crash-loop guard weighs it on them.
          boot_id: FAKE_BOOT_ID,
          started_uptime_seconds: (system.clockMs - report.durationMs - FAKE_BOOT_MS) / 1000,
          finished_uptime_seconds: (system.clockMs - FAKE_BOOT_MS) / 1000,
          actions: undefined,
        },
      );
      assert.deepEqual(
        recovery.actions.map(
          ({ recovery_id, position, action, outcome, pid, exit_code, signal, timed_out, output_tail }) => ({
            recovery_id,
            position,
            action,
            outcome,
            pid,
            exit_code,
            signal,
            timed_out,
            output_tail,
          }),
        ),
        [
          {
            recovery_id: report.recoveryId,
            position: 0,
            action: 'kill',
            outcome: 'ok',
            pid: APP,
            exit_code: null,
            signal: 'SIGTERM',
            timed_out: 0,
            output_tail: null,
          },
          {
            recovery_id: report.recoveryId,
            position: 1,
            action: 'clear_db',
            outcome: 'ok',
            pid: 5000,
            exit_code: 0,
            signal: null,
            timed_out: 0,
            output_tail: 'cleared 12 rows\n',
          },
          {
            recovery_id: report.recoveryId,
            position: 2,
            action: 'start',
            outcome: 'ok',
            pid: 6000,
            exit_code: null,
            signal: null,
            timed_out: 0,
            output_tail: null,
          },
        ],
      );
      assert.deepEqual(
        recovery.actions.map((action) => action.detail),
        report.actions.map((action) => action.detail),
      );

      const state = readProcessStates(db).get('web');
      const startedAt = report.started?.startedAt;
      assert.ok(startedAt !== undefined);
      assert.deepEqual(
        [
          state?.last_recovery_id,
          state?.consecutive_failures,
          state?.recovery_due_since,
          state?.started_at,
          state?.grace_until,
        ],
        [report.recoveryId, 0, null, startedAt, formatUtcTimestamp(new Date(Date.parse(startedAt) + 45_000))],
      );

      const [check] = readHistory(db, { processKey: 'web', limit: 1 });
      assert.deepEqual(
        [check?.id, check?.action_taken, check?.recovery_id],
        [historyId, 'recovery', report.recoveryId],
      );
      assert.ok(
        logger.lines.some((line) => line.startsWith(`info web: recovery #${report.recoveryId} succeeded`)),
        logger.lines.join('\n'),
      );
    } finally {
      db.close();
    }
  });

  it('records a failed start: the failure count stays, no grace is opened, the output is logged', async () => {
    const { db, historyId } = storeWithDueCheck();
    try {
      const process = processConfig();
      const system = systemWith({
        startResult: () => ({ outcome: 'exited', exitCode: 127, outputTail: 'start.sh: not found\n' }),
      });
      const logger = recordingLogger();
      const report = await runRecovery(request(process, historyId), {
        audit: directWriter(db),
        system,
        logger,
        outputLogMaxBytes: 4096,
      });
      assert.equal(report.outcome, 'failed');

      const [recovery] = readRecoveries(db, { limit: 1 });
      assert.equal(recovery?.outcome, 'failed');
      assert.equal(recovery?.detail, report.summary);
      assert.match(recovery?.detail ?? '', /^start failed: the start command exited 127/);
      assert.equal(recovery?.started_pid, null);
      assert.deepEqual(
        recovery?.actions.map((action) => [action.position, action.action, action.outcome, action.exit_code]),
        [
          [0, 'kill', 'ok', null],
          [1, 'clear_db', 'ok', 0],
          [2, 'start', 'failed', 127],
        ],
      );

      const state = readProcessStates(db).get('web');
      assert.deepEqual(
        [state?.last_recovery_id, state?.consecutive_failures, state?.started_at, state?.grace_until],
        [report.recoveryId, 2, null, null],
      );
      assert.ok(
        logger.lines.includes(`error web: recovery #${report.recoveryId}: start output: start.sh: not found`),
        logger.lines.join('\n'),
      );
      assert.ok(logger.lines.some((line) => line.startsWith(`error web: recovery #${report.recoveryId} failed after`)));
    } finally {
      db.close();
    }
  });

  it('links no check when none is given, and keeps the kind and who asked', async () => {
    const { db } = storeWithDueCheck();
    try {
      const process = processConfig({ recovery_actions: ['start'] });
      const report = await runRecovery(
        { ...request(process), kind: 'restart', command: 'restart', requestedBy: 'alice' },
        { audit: directWriter(db), system: systemWith(), logger: recordingLogger(), outputLogMaxBytes: 4096 },
      );
      const [recovery] = readRecoveries(db, { limit: 1 });
      assert.deepEqual(
        [recovery?.id, recovery?.kind, recovery?.command, recovery?.requested_by],
        [report.recoveryId, 'restart', 'restart', 'alice'],
      );
      assert.deepEqual(
        readHistory(db, { limit: 10 }).map((row) => [row.action_taken, row.recovery_id]),
        [
          ['recovery_due', null],
          [null, null],
        ],
      );
    } finally {
      db.close();
    }
  });

  it('does not leave the recovery running when an action throws', async () => {
    const { db, historyId } = storeWithDueCheck();
    try {
      const process = processConfig();
      // As the real runShellCommand rejects for a cleanup_timeout above 2^31 - 1 ms, which the config schema accepts.
      const system = systemWith();
      system.runShellCommand = () =>
        Promise.reject(new RangeError('timeoutMs must be a delay in milliseconds, not 3000000000'));
      const report = await runRecovery(request(process, historyId), {
        audit: directWriter(db),
        system,
        logger: recordingLogger(),
        outputLogMaxBytes: 4096,
      });
      const [recovery] = readRecoveries(db, { limit: 1 });
      // Not left `running`, which the audit log would later call interrupted by a crash or power cut.
      // clear_db is a custom action: its failure is a warning, and the pipeline went on to start.
      assert.equal(recovery?.outcome, 'succeeded');
      assert.equal(report.outcome, 'succeeded');
      assert.deepEqual(
        recovery?.actions.map((action) => [action.action, action.outcome]),
        [
          ['kill', 'ok'],
          ['clear_db', 'failed'],
          ['start', 'ok'],
        ],
      );
      assert.equal(
        recovery?.actions[1]?.detail,
        'the watchdog could not run it: timeoutMs must be a delay in milliseconds, not 3000000000',
      );
      assert.match(recovery?.detail ?? '', /^warning: clear_db failed: the watchdog could not run it/);
    } finally {
      db.close();
    }
  });
});

describe('runPipeline: the watchdog asked to stop', () => {
  it('runs no action after the signal, and ends `interrupted` saying what was done', async () => {
    const process = processConfig();
    const controller = new AbortController();
    const system = systemWith({
      shellResult: () => (controller.abort('SIGTERM'), { exitCode: null, signal: 'SIGKILL', interrupted: true }),
    });
    system.signal = controller.signal;
    const result = await runPipeline(
      plansFor(process, ['kill', 'clear_db', 'start']),
      context(process),
      system,
      () => undefined,
    );
    assert.equal(result.outcome, 'interrupted');
    assert.deepEqual(
      result.actions.map((action) => `${action.action}: ${action.outcome}`),
      ['kill: ok', 'clear_db: failed', 'start: skipped'],
    );
    assert.equal(result.actions[2]?.detail, 'not run: the watchdog was asked to stop (SIGTERM)');
    assert.match(
      result.summary,
      /^interrupted by SIGTERM \(done: kill ok, clear_db failed\); warning: clear_db failed: interrupted after /,
    );
    assert.equal(system.starts.length, 0, 'nothing started');
  });
});

describe('runRecovery: a start on record before verify_delay', () => {
  it('records the start under way before the spawn and the instance once spawned, before the wait ends', async () => {
    const { db, historyId } = storeWithDueCheck();
    try {
      const process = processConfig({ start_grace_seconds: 45 });
      let duringVerify: { pid: number | null; grace: string | null } | undefined;
      const system = systemWith({
        processes: [
          { pid: APP, startTime: 777 },
          { pid: 6000, startTime: 999 },
        ],
        startResult: () => {
          const row = readProcessStates(db).get('web');
          duringVerify = { pid: row?.started_pid ?? null, grace: row?.grace_until ?? null };
          return {};
        },
      });
      await runRecovery(request(process, historyId), {
        audit: directWriter(db),
        system,
        logger: recordingLogger(),
        outputLogMaxBytes: 4096,
      });
      assert.equal(duringVerify?.pid, 6000, 'the instance is on record while verify_delay runs');
      assert.notEqual(duringVerify?.grace, null, 'its grace is open');
    } finally {
      db.close();
    }
  });

  it('a start that fails puts the start record back as it was', async () => {
    const { db, historyId } = storeWithDueCheck();
    try {
      const process = processConfig({ start_grace_seconds: 45 });
      const system = systemWith({ startResult: () => ({ outcome: 'exited', exitCode: 3 }) });
      await runRecovery(request(process, historyId), {
        audit: directWriter(db),
        system,
        logger: recordingLogger(),
        outputLogMaxBytes: 4096,
      });
      const row = readProcessStates(db).get('web');
      assert.deepEqual(
        [row?.started_at ?? null, row?.grace_until ?? null, row?.started_pid ?? null],
        [null, null, null],
      );
    } finally {
      db.close();
    }
  });
});
