import type { StartedInstance } from '../store/process-control.js';

/**
 * How one action of a pipeline ended. `refused` and `nothing_to_kill` are not failures:
 * the pipeline goes on as if there were nothing to kill. `skipped` is an action that
 * did not run because an earlier built-in action failed.
 */
export type ActionOutcome = 'ok' | 'failed' | 'refused' | 'nothing_to_kill' | 'skipped';

/** One action as it ran, as the audit log records it. */
export interface ActionResult {
  action: string;
  outcome: ActionOutcome;
  startedAt: string;
  durationMs: number;
  /** The process signalled or started. */
  pid: number | undefined;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** What happened, in words. */
  detail: string;
  /** The end of what the command printed. */
  outputTail: string | null;
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
