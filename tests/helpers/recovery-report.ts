import type { RecoveryReport } from '../../src/recovery/run-recovery.js';

/** A recovery of `processKey` that ended with `outcome`: no actions, nothing started. */
export function recoveryReport(
  processKey: string,
  recoveryId: number,
  outcome: RecoveryReport['outcome'],
): RecoveryReport {
  return {
    outcome,
    actions: [],
    started: undefined,
    summary: '',
    recoveryId,
    processKey,
    kind: 'recovery',
    durationMs: 10,
  };
}
