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
