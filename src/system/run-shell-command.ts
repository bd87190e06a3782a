import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { describeSpawnError } from './describe-spawn-error.js';
import type { UserAccount } from './lookup-user.js';
import { shellArgv } from './shell-argv.js';
import { OutputTail } from './output-tail.js';
import { listProcessGroup } from './proc-stat.js';
import { terminateProcessGroup } from './terminate-process-group.js';
import { reachWorkingFolder } from './working-folder.js';

/** A shell command to run to completion, such as a custom recovery action. */
export interface ShellCommandOptions {
  /** Passed to /bin/sh -c. */
  command: string;
  cwd: string;
  /** The complete environment. */
  env: NodeJS.ProcessEnv;
  /** Run it as this user (through setpriv) instead of the watchdog's own. */
  user?: UserAccount | undefined;
  timeoutMs: number;
  /** On timeout: SIGTERM to the whole process group, then SIGKILL after this long. */
  killGraceMs: number;
  /** Written to its standard input, which is then closed (default: no standard input). */
  input?: string | undefined;
  /** Keep this many bytes of the end of stdout+stderr combined (default 4096). */
  outputTailBytes?: number;
  /** For testing: how a process group is listed (default listProcessGroup). */
  listGroup?: (pgid: number) => number[];
}

/** How a shell command ended. */
export interface ShellCommandResult {
  pid: number | undefined;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  durationMs: number;
  /** The end of what it printed (stdout and stderr interleaved as received), decoded as UTF-8. */
  outputTail: string;
  /** Set when it could not be started at all (missing cwd, ...); exitCode/signal null then. */
  spawnError?: string;
}

/**
 * Output still in the pipes when the shell exits normally arrives within a few turns
 * of the event loop; this bounds the wait for it, since a background grandchild may
 * hold the pipes open for as long as it lives.
 */
const DRAIN_AFTER_EXIT_MS = 100;

/** After its group was killed, how long the shell may take to be reaped and reported. */
const EXIT_AFTER_KILL_MS = 2000;

type Ending = { kind: 'exit'; exitCode: number | null; signal: NodeJS.Signals | null } | { kind: 'error'; error: Error };

/**
 * Runs `/bin/sh -c command` in its own session and process group, keeping the end of
 * its output. On timeout the whole group is stopped (SIGTERM, then SIGKILL after
 * `killGraceMs`) and the result waits until no member is left.
 *
 * Never rejects because of the command: a failure to start is `spawnError`, a failure
 * of the command is its exit code or signal.
 *
 * @throws RangeError (as a rejection) for a timeout or grace that is not a valid delay, or
 * an `outputTailBytes` that is not a byte count.
 */
export async function runShellCommand(options: ShellCommandOptions): Promise<ShellCommandResult> {
  const { command, cwd, env, timeoutMs, killGraceMs, outputTailBytes = 4096, listGroup = listProcessGroup, user, input } = options;
  const argv = shellArgv(command, user);
  checkDelay('timeoutMs', timeoutMs);
  checkDelay('killGraceMs', killGraceMs);
  const started = performance.now();
  const tail = new OutputTail(outputTailBytes);
  const result = (fields: Pick<ShellCommandResult, 'pid' | 'exitCode' | 'signal' | 'timedOut'>): ShellCommandResult => ({
    ...fields,
    durationMs: Math.round(performance.now() - started),
    outputTail: tail.text(),
  });

  const folder = reachWorkingFolder(cwd);
  if ('error' in folder) return { ...result({ pid: undefined, exitCode: null, signal: null, timedOut: false }), spawnError: folder.error };
  let child: ChildProcess;
  try {
    child = spawn(argv.file, argv.args, { cwd: folder.cwd, env, detached: true, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  } catch (error) {
    // Node throws at once for options it refuses outright, such as a NUL byte in the command.
    return { ...result({ pid: undefined, exitCode: null, signal: null, timedOut: false }), spawnError: describeSpawnError(error, cwd) };
  } finally {
    // The child has entered it (or never will).
    folder.close();
  }
  if (input !== undefined) {
    // A command that exits without reading its input makes the write fail with EPIPE: that is its business, not an error here.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input);
  }
  child.stdout?.on('data', (chunk: Buffer) => tail.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => tail.push(chunk));
  const ending = new Promise<Ending>((resolve) => {
    child.on('exit', (exitCode, signal) => resolve({ kind: 'exit', exitCode, signal }));
    child.on('error', (error) => resolve({ kind: 'error', error }));
  });
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));

  let timedOut = false;
  let end: Ending | undefined;
  try {
    end = await within(ending, timeoutMs);
    if (end === undefined && child.pid !== undefined) {
      timedOut = true;
      await terminateProcessGroup(child.pid, { killGraceMs, listGroup });
      end = await within(ending, EXIT_AFTER_KILL_MS);
    }
    if (end?.kind === 'exit') await within(closed, DRAIN_AFTER_EXIT_MS);
  } finally {
    // Cut the pipes: a grandchild still holding them must not keep this process alive.
    child.stdin?.destroy();
    child.stdout?.destroy();
    child.stderr?.destroy();
  }

  if (end?.kind === 'error') {
    return { ...result({ pid: child.pid, exitCode: null, signal: null, timedOut }), spawnError: describeSpawnError(end.error, cwd) };
  }
  return result({ pid: child.pid, exitCode: end?.exitCode ?? null, signal: end?.signal ?? null, timedOut });
}

/** What `promise` resolves to, or `undefined` when it takes longer than `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    // A pending timer would keep a finished tick's process alive until it fires.
    clearTimeout(timer);
  }
}

function checkDelay(name: string, ms: number): void {
  // Node fires a timer of NaN, or of more than 2^31 - 1 ms, after 1 ms.
  if (!Number.isFinite(ms) || ms < 0 || ms > 2 ** 31 - 1) throw new RangeError(`${name} must be a delay in milliseconds, not ${ms}`);
}
