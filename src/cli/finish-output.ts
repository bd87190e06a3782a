import { escapeUntrustedLine } from '../display/escape-untrusted.js';
import { describeError } from '../errors.js';
import { EXIT } from './exit-codes.js';
import { isReaderGone, type StreamOutput } from './stream-output.js';

export interface StandardOutputs {
  stdout: StreamOutput;
  stderr: StreamOutput;
}

/**
 * The exit code once the output is settled. Pure.
 *
 * A reader that went away (EPIPE: `watchdog status | head -1`) took what it wanted: the
 * command's own code stands. Any other write error (a full disk under `> file`, EIO) lost
 * output nobody chose to drop: a command that otherwise succeeded exits 1.
 */
export function decideOutputExitCode(
  commandCode: number,
  failures: { stdout?: Error | undefined; stderr?: Error | undefined },
): number {
  if (commandCode !== EXIT.ok) return commandCode;
  const lost = [failures.stdout, failures.stderr].some((failure) => failure !== undefined && !isReaderGone(failure));
  return lost ? EXIT.failed : commandCode;
}

/**
 * Waits until everything the command printed has reached its pipe or file, says on standard
 * error when standard output lost some of it, and returns the exit code to end with. Never
 * rejects; waits as long as the reader takes (a pipe into `jq` or `less`).
 */
export async function finishOutput(commandCode: number, { stdout, stderr }: StandardOutputs): Promise<number> {
  await Promise.all([stdout.flush(), stderr.flush()]);
  const outFailure = stdout.failure();
  if (outFailure !== undefined && !isReaderGone(outFailure)) {
    stderr.write(
      `${escapeUntrustedLine(`watchdog: standard output could not be written, some of it is lost: ${describeError(outFailure)}`)}\n`,
    );
    await stderr.flush();
  }
  return decideOutputExitCode(commandCode, { stdout: outFailure, stderr: stderr.failure() });
}
