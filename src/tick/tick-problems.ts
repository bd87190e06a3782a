import type { NetworkTickOutcome } from '../network/run-network-tick.js';
import type { RecoveryReport } from '../recovery/run-recovery.js';
import type { AssessedCheck } from './process-check.js';

export interface TickResults {
  /** The processes' checks, and the file systems' (`process` is the entry). */
  checks: readonly AssessedCheck[];
  recoveries: readonly RecoveryReport[];
  network: NetworkTickOutcome | undefined;
  auditDegraded: string | undefined;
  /** Set when a signal asked the tick to stop: which, and where it was then. */
  interrupted?: { signal: string; where: string } | undefined;
}

/** The kinds of what can go wrong in a tick; `decideTickOutcome` says what each does to the exit code and the ping. */
export type TickProblemKind =
  'recovery_failed' | 'gave_up_now' | 'still_given_up' | 'ladder_failed' | 'audit_degraded' | 'interrupted';

export interface TickProblem {
  kind: TickProblemKind;
  /** One line on it, for the log and the metrics. */
  line: string;
}

/**
 * What went wrong in a tick: failed recoveries, processes given up on (at the check that
 * gave up and every check after), a ladder run that did not heal, an audit log that could
 * not be written, a signal that stopped the tick. Empty for a tick that did its job (finding
 * an app down and recovering it is the job). Pure.
 */
export function tickProblems(tick: TickResults): TickProblem[] {
  const problems: TickProblem[] = [];
  for (const recovery of tick.recoveries) {
    if (recovery.outcome === 'failed')
      problems.push({
        kind: 'recovery_failed',
        line: `${recovery.processKey}: recovery #${recovery.recoveryId} failed`,
      });
  }
  for (const check of tick.checks) {
    // Every tick while it lasts, not only the one that gave up: the app stays down until a person acts.
    if (check.guard?.kind === 'give_up')
      problems.push({ kind: 'gave_up_now', line: `${check.process.key}: given up on` });
    else if (check.verdict.state === 'gave_up')
      problems.push({ kind: 'still_given_up', line: `${check.process.key}: given up on` });
  }
  const ladder = tick.network?.ladder;
  if (ladder !== undefined && ladder.outcome !== 'healed') {
    problems.push({
      kind: 'ladder_failed',
      line: `network ${tick.network?.interface}: the ladder did not heal the link (${ladder.outcome})`,
    });
  }
  if (tick.auditDegraded !== undefined)
    problems.push({ kind: 'audit_degraded', line: `the audit database ${tick.auditDegraded}` });
  const { interrupted } = tick;
  if (interrupted !== undefined)
    problems.push({ kind: 'interrupted', line: `interrupted by ${interrupted.signal} ${interrupted.where}` });
  return problems;
}
