import type { ProcessCheck } from './run-check-tick.js';

/** One line for a check, as the log and `check --verbose` show it. */
export function describeCheck({ process, verdict, consecutiveFailures, threshold, recoveryDue }: ProcessCheck): string {
  const line = `${process.key}: ${verdict.state} (${verdict.reason})`;
  if (verdict.state === 'healthy') return line;
  if (verdict.state === 'check_error') return `${line}, not counted as a failure`;
  return `${line}, failure ${consecutiveFailures}/${threshold}${recoveryDue ? ', recovery due' : ''}`;
}
