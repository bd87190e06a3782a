import type { ProcessCheck } from './run-check-tick.js';

/** One line for a check, as the log and `check --verbose` show it. */
export function describeCheck({ process, verdict, consecutiveFailures, threshold, recoveryDue }: ProcessCheck): string {
  const line = `${process.key}: ${verdict.state} (${verdict.reason})`;
  switch (verdict.state) {
    case 'healthy':
    case 'off':
      return line;
    case 'check_error':
    case 'starting':
      return `${line}, not counted as a failure`;
    default:
      return `${line}, failure ${consecutiveFailures}/${threshold}${recoveryDue ? ', recovery due' : ''}`;
  }
}
