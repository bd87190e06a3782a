import type { StartedInstance } from '../store/process-control.js';
import type { ActionOutcome, RecoveryActionRecord } from '../store/record-recovery.js';

export type { ActionOutcome };

/** One action as it ran: what the audit log records, and what the pipeline needs of it. */
export interface ActionResult extends RecoveryActionRecord {
  /** Something that went wrong without failing the action (an output log that could not be used), logged as a warning. */
  warning?: string | undefined;
  /** For a start whose command exited 0: the daemon it left, which the next `kill` stops. */
  daemon?: StartedInstance | undefined;
}

/** An action result with the fields that do not apply left empty. */
export function actionResult(
  fields: Pick<ActionResult, 'action' | 'outcome' | 'startedAt' | 'durationMs' | 'detail'> & Partial<ActionResult>,
): ActionResult {
  return { pid: undefined, exitCode: null, signal: null, timedOut: false, outputTail: null, ...fields };
}
