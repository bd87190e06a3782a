import type { WatchdogConfig } from '../config/types.js';
import type { RaiseEvent } from '../notify/watchdog-event.js';
import { recordChecksFolding } from '../recovery/record-checks-folding.js';
import { figuresWorthWriting } from '../filesystems/figures-worth-writing.js';
import type { RecoveryReport } from '../recovery/run-recovery.js';
import { graceClockOf } from '../recovery/start-facts.js';
import type { AuditStore } from '../store/audit-store.js';
import {
  readFilesystemAlertOpen,
  readStoredFigures,
  recordFilesystemFigures,
  setFilesystemAlertOpen,
} from '../filesystems/filesystem-rows.js';
import { assessedCheckOf, type FilesystemCheck } from './filesystem-check.js';
import { raiseFilesystemAlert } from './raise-filesystem-alert.js';
import { reportChecks } from './report-checks.js';
import { raiseRecovered } from './raise-recovered.js';
import type { TickDeps } from './tick-deps.js';
import type { TickStage } from './tick-stage.js';
import { mayRecoverNow } from './may-recover-now.js';

/** What the file system stage of a tick found and did. */
export interface FilesystemTickOutcome {
  checks: FilesystemCheck[];
  recoveries: RecoveryReport[];
}

/**
 * The file system stage of a tick (docs/filesystems.md): each enabled entry read and judged,
 * its check weighed and recorded as a process's is (threshold, `off`, crash-loop guard: the
 * same tables, keyed by its key), an alert-only entry's alert raised, then the recoveries
 * that are due, one at a time, each only when the file system still fails. Its code is loaded only with entries to check; skipped
 * when a signal asked the tick to stop. `undefined` when it did not run.
 */
export async function runFilesystemStage(
  config: WatchdogConfig,
  checkedAt: string,
  audit: AuditStore,
  deps: TickDeps,
  raise: RaiseEvent,
  stage: TickStage,
): Promise<FilesystemTickOutcome | undefined> {
  const enabled = config.filesystems.filter((filesystem) => filesystem.enabled);
  if (enabled.length === 0 || stage.stopRequest() !== undefined) return undefined;
  stage.enter('during the file system checks');
  const { assessedFilesystem, checkFilesystem, checkFilesystems } = await import('./check-filesystem.js');
  const { runFilesystemRecovery } = await import('../recovery/run-filesystem-recovery.js');
  const { logger, system } = deps;
  const check = (filesystem: (typeof enabled)[number]) => checkFilesystem(filesystem, deps.readFilesystem);
  const found = (await checkFilesystems(enabled, deps.readFilesystem)).map((read, index) => ({
    filesystem: enabled[index] as (typeof enabled)[number],
    ...read,
  }));
  const clock = graceClockOf(system.processes);
  // Read before the check's row is written: a row new in this check has no alert open. Only
  // the tick writes these rows, under the lock, so reading outside the write is the same read.
  const alertOpen = found.map(({ filesystem }) => readFilesystemAlertOpen(audit.db, filesystem.key));
  const recorded = recordChecksFolding(
    audit,
    checkedAt,
    found.map(({ filesystem, verdict }) => ({
      process: assessedFilesystem(filesystem),
      verdict,
      kind: 'filesystem' as const,
    })),
    { clock, maxFoldedChecks: config.max_folded_checks },
  ).map((record, index) => ({ ...record, alertOpen: alertOpen[index] }));
  // Figures that moved little are not written again (figuresWorthWriting): a healthy tick writes nothing.
  const stored = readStoredFigures(audit.db);
  const moved = found.filter(({ filesystem, read }) =>
    figuresWorthWriting(stored.get(filesystem.key), read.kind === 'read' ? read.figures : undefined),
  );
  if (moved.length > 0)
    audit.write((db) => {
      for (const { filesystem, read } of moved)
        recordFilesystemFigures(db, filesystem.key, checkedAt, read.kind === 'read' ? read.figures : undefined);
    });
  const checks = found.map(({ filesystem, read }, index): FilesystemCheck => {
    const record = recorded[index];
    if (record === undefined) throw new Error(`no recorded check for ${filesystem.key}`);
    return {
      filesystem,
      read,
      verdict: record.verdict,
      checked: record.checked,
      threshold: filesystem.consecutive_failures_threshold,
      consecutiveFailures: record.consecutiveFailures,
      recoveryDue: record.recoveryDue,
      guard: record.guard,
    };
  });
  reportChecks(checks.map(assessedCheckOf), checkedAt, logger, raise);
  raiseRecovered(checks.map(assessedCheckOf), checkedAt, audit.db, raise);
  checks.forEach((check, index) => {
    const record = recorded[index];
    const before = { open: record?.alertOpen, previousFailures: record?.previousConsecutiveFailures ?? 0 };
    const alert = raiseFilesystemAlert(check, before, checkedAt, raise);
    if (alert !== undefined)
      audit.write((db) => setFilesystemAlertOpen(db, check.filesystem.key, alert === 'filesystem_failing'));
  });

  const recoveries: RecoveryReport[] = [];
  for (const [index, due] of checks.entries()) {
    if (!due.recoveryDue || !mayRecoverNow(due.filesystem.key, { stage, audit, logger })) continue;
    const { filesystem } = due;
    // A recovery before this one (another entry's cleanup) may have freed space: act on the file system as it is now.
    const now = recoveries.length === 0 ? due.checked : (await check(filesystem)).verdict;
    if (now.state === 'healthy') {
      logger.info(`${filesystem.key}: healthy again before its recovery ran (${now.reason}); no recovery`);
      continue;
    }
    recoveries.push(
      await runFilesystemRecovery(
        {
          filesystem,
          kind: 'recovery',
          command: 'check',
          requestedBy: 'cron',
          actions: filesystem.recovery_actions,
          trigger: due.verdict,
          historyId: recorded[index]?.historyId,
        },
        { audit, system, logger, outputLogMaxBytes: config.log_max_bytes, raise },
      ),
    );
  }
  return { checks, recoveries };
}
