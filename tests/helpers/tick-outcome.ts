import type { NetworkTickOutcome } from '../../src/network/run-network-tick.js';
import { tickProblems } from '../../src/tick/tick-problems.js';
import type { TickOutcome } from '../../src/tick/tick-outcome.js';

export type RanTick = Extract<TickOutcome, { kind: 'ran' }>;

/**
 * A tick that ran: nothing checked or done unless told. Its problems (and their lines, the
 * failures) are listed from its fields as the tick lists them, unless given.
 */
export function ranTick(overrides: Partial<RanTick> = {}): RanTick {
  const fields = {
    kind: 'ran' as const,
    checkedAt: '2026-06-30T12:00:00.000000+00:00',
    checks: [],
    recoveries: [],
    network: undefined,
    auditDegraded: undefined,
    auditRowsSaved: true,
    notifications: undefined,
    ...overrides,
  };
  const problems = overrides.problems ?? tickProblems(fields);
  return { ...fields, problems, failures: overrides.failures ?? problems.map((problem) => problem.line) };
}

/**
 * The network part of a tick on `eth0`, whose carrier is gone at its second failed check: a
 * ladder run that ended `ladderOutcome` (healed by `bounce`), or none when `undefined`.
 */
export function networkTick(ladderOutcome: 'healed' | 'failed' | 'timed_out' | undefined): NetworkTickOutcome {
  return {
    interface: 'eth0',
    previousState: 'no_carrier',
    verdict: { state: 'no_carrier', reason: 'no carrier on eth0', ipv4: [] },
    consecutiveFailures: 2,
    decision: { kind: 'run', reason: '2 consecutive failed checks, threshold 2' },
    ...(ladderOutcome === undefined
      ? {}
      : {
          ladder: {
            outcome: ladderOutcome,
            healedBy: ladderOutcome === 'healed' ? 'bounce' : undefined,
            rungs: [],
            verdict: undefined,
          },
        }),
  };
}
