import type { ProcessConfig, WatchdogConfig } from '../config/types.js';
import type { HealthVerdict } from '../heartbeat/classify-heartbeat.js';
import type { RaiseEvent } from '../notify/watchdog-event.js';
import { assessProcess } from '../recovery/assess-process.js';
import { decideStart } from '../recovery/decide-start.js';
import { readPreviousState } from '../recovery/previous-state.js';
import { runRecovery, type RecoveryReport } from '../recovery/run-recovery.js';
import { graceClockOf, startFactsOf } from '../recovery/start-facts.js';
import type { AuditStore } from '../store/audit-store.js';
import type { AuditWriter } from '../store/audit-writer.js';
import { readStartedInstance } from '../store/process-control.js';
import { recordCommandState } from '../store/record-command-state.js';
import type { System } from '../system/system.js';
import { formatUtcTimestamp } from '../time/format-utc-timestamp.js';
import type { ProcessCheck } from './process-check.js';
import type { TickDeps } from './tick-deps.js';
import type { TickStage } from './tick-stage.js';
import { mayRecoverNow } from './may-recover-now.js';
import { refuseRecovery } from './refuse-recovery.js';

/** A recovery that was due but not started, and why (a second copy...). */
export interface RefusedRecovery {
  processKey: string;
  why: string;
}

/** What the recovery stage needs of the tick. */
export interface DueRecoveriesContext {
  config: WatchdogConfig;
  deps: TickDeps;
  audit: AuditStore;
  raise: RaiseEvent;
  /** Checks a process's heartbeat again, now. */
  check: (process: ProcessConfig) => HealthVerdict;
  stage: TickStage;
}

/**
 * The recovery stage of a tick: runs the recoveries that are due, one process at a time,
 * each only when the heartbeat still fails and the start rule allows it (never a second
 * copy). `historyIds[i]` is the check row of `checks[i]`, linked to what its recovery did.
 */
export async function runDueRecoveries(
  checks: readonly ProcessCheck[],
  historyIds: readonly (number | undefined)[],
  context: DueRecoveriesContext,
): Promise<{ recoveries: RecoveryReport[]; refused: RefusedRecovery[] }> {
  const { deps, audit: store, raise, check, stage } = context;
  const { logger, system } = deps;
  const recoveries: RecoveryReport[] = [];
  const refused: RefusedRecovery[] = [];
  for (const [index, due] of checks.entries()) {
    if (!due.recoveryDue || !mayRecoverNow(due.process.key, { stage, audit: store, logger })) continue;
    // Recoveries before this one may have taken minutes: act on the heartbeat as it is now.
    const heartbeat = index === 0 ? due.checked : check(due.process);
    if (heartbeat.state === 'healthy') {
      logger.info(`${due.process.key}: healthy again before its recovery ran (${heartbeat.reason}); no recovery`);
      continue;
    }
    // The one rule of every start (docs/starting-apps.md): never a second copy.
    const started = readStartedInstance(store.db, due.process.key);
    const facts = startFactsOf(
      {
        intent: 'recover',
        force: false,
        actions: due.process.recovery_actions,
      },
      { ...due, checked: heartbeat },
      started,
      system.processes,
      due.process,
    );
    const decision = decideStart(facts);
    if (!decision.start) {
      refuseRecovery(due, decision.why, historyIds[index], store, system.now(), raise);
      refused.push({ processKey: due.process.key, why: decision.why });
      logger.warn(`${due.process.key}: recovery refused: ${decision.why}`);
      continue;
    }
    recoveries.push(
      await recover({ ...due, checked: heartbeat }, historyIds[index], store, context.config, deps, raise),
    );
    recordStateAfterRecovery(due.process, check, store, system);
  }
  return { recoveries, refused };
}

/**
 * What a recovery left the process in (`starting`, or what it could not change), weighed as a
 * check would weigh it now and recorded where `status` reads it, as a manual command's is: the
 * check recorded before the recovery would otherwise show a dead PID until the next tick.
 */
function recordStateAfterRecovery(
  process: ProcessConfig,
  check: (process: ProcessConfig) => HealthVerdict,
  audit: AuditWriter,
  system: System,
): void {
  const previous = readPreviousState(audit.db, process.key);
  const now = system.now();
  const assessment = assessProcess(process, check(process), previous, {
    nowMs: now.getTime(),
    clock: graceClockOf(system.processes),
  });
  audit.write((db) =>
    recordCommandState(db, { processKey: process.key, at: formatUtcTimestamp(now), command: 'recovery', assessment }),
  );
}

function recover(
  check: ProcessCheck,
  historyId: number | undefined,
  audit: AuditWriter,
  config: WatchdogConfig,
  deps: TickDeps,
  raise: RaiseEvent,
): Promise<RecoveryReport> {
  return runRecovery(
    {
      process: check.process,
      kind: 'recovery',
      command: 'check',
      requestedBy: 'cron',
      actions: check.process.recovery_actions,
      trigger: check.verdict,
      heartbeat: check.checked,
      historyId,
    },
    { audit, system: deps.system, logger: deps.logger, outputLogMaxBytes: config.log_max_bytes, raise },
  );
}
