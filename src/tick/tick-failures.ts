import type { NetworkTickOutcome } from '../network/run-network-tick.js';
import type { RecoveryReport } from '../recovery/run-recovery.js';
import type { ProcessCheck } from './process-check.js';

export interface TickResults {
  checks: readonly ProcessCheck[];
  recoveries: readonly RecoveryReport[];
  network: NetworkTickOutcome | undefined;
  auditDegraded: string | undefined;
}

/**
 * What went wrong in a tick, one line each: failed recoveries, processes given up on (at
 * the check that gave up and every check after), a
 * ladder run that did not heal, an audit log that could not be written. Empty for a tick
 * that did its job (finding an app down and recovering it is the job). Pure.
 */
export function tickFailures(tick: TickResults): string[] {
  const failures: string[] = [];
  for (const recovery of tick.recoveries) {
    if (recovery.outcome === 'failed') failures.push(`${recovery.processKey}: recovery #${recovery.recoveryId} failed`);
  }
  for (const check of tick.checks) {
    // Every tick while it lasts, not only the one that gave up: the app stays down until a person acts.
    if (check.guard?.kind === 'give_up' || check.verdict.state === 'gave_up')
      failures.push(`${check.process.key}: given up on`);
  }
  const ladder = tick.network?.ladder;
  if (ladder !== undefined && ladder.outcome !== 'healed')
    failures.push(`network ${tick.network?.interface}: the ladder did not heal the link (${ladder.outcome})`);
  if (tick.auditDegraded !== undefined) failures.push(`the audit database ${tick.auditDegraded}`);
  return failures;
}
