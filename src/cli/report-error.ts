import { escapeUntrustedLine } from '../display/escape-untrusted.js';
import { ConfigError, WatchdogError, describeError } from '../errors.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import type { CliIo } from './io.js';

/**
 * Prints an error for a person (message, every problem, the next step) on standard
 * error and returns the exit code for it. Errors that are not ours are bugs: they are
 * printed with their stack and exit 1.
 *
 * Every line is escaped to one line ({@link escapeUntrustedLine}): messages quote the
 * system's errors, which name files an app may have made (a file name can hold a newline
 * or an escape sequence), and the config's values.
 */
export function reportError(error: unknown, io: Pick<CliIo, 'err'>): number {
  const err = (line: string): void => io.err(escapeUntrustedLine(line));
  if (error instanceof WatchdogError) {
    err(`watchdog: ${error.message}`);
    if (error instanceof ConfigError) {
      for (const problem of error.problems) err(`  ${problem}`);
      for (const warning of error.warnings) err(`warning: ${warning}`);
    }
    if (error.hint !== undefined) err(`hint: ${error.hint}`);
    return exitCodeFor(error.code);
  }
  err(`watchdog: unexpected error: ${describeError(error)}`);
  if (error instanceof Error && error.stack !== undefined) for (const frame of framesOf(error, error.stack)) err(frame);
  return EXIT.failed;
}

/**
 * The stack's lines after the message it starts with, which is printed above: printed again
 * line by line, a newline in the message would forge a line of its own.
 */
function framesOf(error: Error, stack: string): string[] {
  const header = String(error);
  const frames = stack.startsWith(`${header}\n`) ? stack.slice(header.length + 1) : stack;
  return frames.split('\n');
}
