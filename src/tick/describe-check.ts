import { escapeUntrustedLine } from '../display/escape-untrusted.js';
import type { AssessedCheck } from './process-check.js';

/**
 * One line for a check, as the log and `check --verbose` show it; escaped to one line
 * ({@link escapeUntrustedLine}), as the reason quotes what the heartbeat said.
 */
export function describeCheck(check: AssessedCheck): string {
  return escapeUntrustedLine(describeUnescaped(check));
}

function describeUnescaped({ process, verdict, consecutiveFailures, threshold, recoveryDue }: AssessedCheck): string {
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
