import { ConfigError, WatchdogError, describeError } from '../errors.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import type { CliIo } from './io.js';

/**
 * Prints an error for a person (message, every problem, the next step) on standard
 * error and returns the exit code for it. Errors that are not ours are bugs: they are
 * printed with their stack and exit 1.
 */
export function reportError(error: unknown, io: Pick<CliIo, 'err'>): number {
  if (error instanceof WatchdogError) {
    io.err(`watchdog: ${error.message}`);
    if (error instanceof ConfigError) {
      for (const problem of error.problems) io.err(`  ${problem}`);
      for (const warning of error.warnings) io.err(`warning: ${warning}`);
    }
    if (error.hint !== undefined) io.err(`hint: ${error.hint}`);
    return exitCodeFor(error.code);
  }
  io.err(`watchdog: unexpected error: ${describeError(error)}`);
  if (error instanceof Error && error.stack !== undefined) io.err(error.stack);
  return EXIT.failed;
}
