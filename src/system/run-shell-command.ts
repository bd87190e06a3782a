import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { describeSpawnError } from './describe-spawn-error.js';
import type { UserAccount } from './lookup-user.js';
import { shellArgv } from './shell-argv.js';
import { OutputTail } from './output-tail.js';
import { readProcStat, USER_HZ } from './proc-stat.js';
import { createCommandCgroup, type CommandCgroup } from './command-cgroup.js';
import { terminateProcessTree, type ProcessTreeAccess } from './terminate-process-tree.js';
import { readBootId, readUptimeSeconds } from './boot-info.js';
import { stoppedRecordAt } from './stopped-record.js';
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
  /** On timeout: SIGTERM to the whole process tree, then SIGKILL after this long. */
  killGraceMs: number;
  /** Written to its standard input, which is then closed (default: no standard input). */
  input?: string | undefined;
  /** Keep this many bytes of the end of stdout+stderr combined (default 4096). */
  outputTailBytes?: number;
  /** Where a tree stopped without a cgroup is written down while stopped (see stopped-record.ts); none by default. */
  stoppedRecordPath?: string | undefined;
  /** For testing: whether to run it in a cgroup of its own where one can be made (default true). */
  useCgroup?: boolean;
  /** For testing: the process table and kill used to stop its tree on timeout. */
  treeAccess?: Partial<ProcessTreeAccess>;
  /**
   * When the shell exits on its own, stop what it left running too (its cgroup, or its
   * session and group without one), as after a timeout. For a command that only looks (a
   * health probe): a start's daemon is left on purpose, a probe's child never is.
   */
  stopTreeOnExit?: boolean;
  /** When it aborts (the watchdog is asked to stop), its whole tree is stopped as on timeout, with a grace of at most 1 s. */
  signal?: AbortSignal | undefined;
}

/** How a shell command ended. */
export interface ShellCommandResult {
  pid: number | undefined;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Stopped because the watchdog was asked to stop (`signal` aborted); its group was stopped. */
  interrupted?: boolean;
  durationMs: number;
  /** The end of what it printed (stdout and stderr interleaved as received), decoded as UTF-8. */
  outputTail: string;
  /** Set when it could not be started at all (missing cwd, ...); exitCode/signal null then. */
  spawnError?: string;
  /** After a timeout: how its tree was stopped. */
  treeStop?: TreeStop;
}

/** How a timed-out command's tree was stopped. */
export interface TreeStop {
  /** `cgroup and process tree` when it ran in a cgroup of its own, else `process tree`. */
  mechanism: 'cgroup and process tree' | 'process tree';
  /** Why it ran in no cgroup of its own, when it did not. */
  noCgroup?: string;
  /** How many processes were signalled. */
  signalled: number;
  /** PIDs still there when the watchdog gave up waiting. */
  survivors: number[];
}

/**
 * Output still in the pipes when the shell exits normally arrives within a few turns
 * of the event loop; this bounds the wait for it, since a background grandchild may
 * hold the pipes open for as long as it lives.
 */
const DRAIN_AFTER_EXIT_MS = 100;

/** The grace of a group stopped because the watchdog itself must stop: systemd's own grace is short. */
const INTERRUPT_GRACE_MS = 1000;

/** After its group was killed, how long the shell may take to be reaped and reported. */
const EXIT_AFTER_KILL_MS = 2000;

type Ending =
  { kind: 'exit'; exitCode: number | null; signal: NodeJS.Signals | null } | { kind: 'error'; error: Error };

/**
 * Runs `/bin/sh -c command` in its own session and process group (and its own cgroup,
 * where one can be made), keeping the end of its output. On timeout its whole tree is
 * stopped (SIGTERM, then SIGKILL after `killGraceMs`; see terminate-process-tree.ts) and
 * the result waits until none of it is left.
 *
 * Never rejects because of the command: a failure to start is `spawnError`, a failure
 * of the command is its exit code or signal.
 *
 * @throws RangeError (as a rejection) for a timeout or grace that is not a valid delay, or
 * an `outputTailBytes` that is not a byte count.
 */
export async function runShellCommand(options: ShellCommandOptions): Promise<ShellCommandResult> {
  const {
    command,
    cwd,
    env,
    timeoutMs,
    killGraceMs,
    outputTailBytes = 4096,
    useCgroup = true,
    treeAccess,
    user,
    input,
    signal,
  } = options;
  const shell = shellArgv(command, user);
  checkDelay('timeoutMs', timeoutMs);
  checkDelay('killGraceMs', killGraceMs);
  const started = performance.now();
  const tail = new OutputTail(outputTailBytes);
  const result = (
    fields: Pick<ShellCommandResult, 'pid' | 'exitCode' | 'signal' | 'timedOut'>,
  ): ShellCommandResult => ({
    ...fields,
    durationMs: Math.round(performance.now() - started),
    outputTail: tail.text(),
  });

  const folder = reachWorkingFolder(cwd);
  if ('error' in folder)
    return { ...result({ pid: undefined, exitCode: null, signal: null, timedOut: false }), spawnError: folder.error };
  const cgroup = useCgroup ? createCommandCgroup() : { reason: 'not asked for' };
  const argv = 'dir' in cgroup ? cgroup.wrap(shell) : shell;
  let child: ChildProcess;
  try {
    child = spawn(argv.file, argv.args, {
      cwd: folder.cwd,
      env,
      detached: true,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
  } catch (error) {
    // Node throws at once for options it refuses outright, such as a NUL byte in the command.
    if ('dir' in cgroup) cgroup.release();
    return {
      ...result({ pid: undefined, exitCode: null, signal: null, timedOut: false }),
      spawnError: describeSpawnError(error, cwd),
    };
  } finally {
    // The child has entered it (or never will).
    folder.close();
  }
  // Read before the first await: until the event loop reaps it, its PID is surely its own.
  const rootStart = child.pid === undefined ? undefined : readProcStat(child.pid)?.startTime;
  if (input !== undefined) {
    // A command that exits without reading its input makes the write fail with EPIPE: that is its business, not an error here.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input);
  }
  child.stdout?.on('data', (chunk: Buffer) => tail.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => tail.push(chunk));
  let reapedByTicks: number | undefined;
  const ending = new Promise<Ending>((resolve) => {
    child.on('exit', (exitCode, signal) => {
      // When it was reaped, on the clock of the start times (a tick of margin for rounding).
      const uptime = readUptimeSeconds();
      reapedByTicks = uptime === undefined ? undefined : Math.ceil(uptime * USER_HZ) + 1;
      resolve({ kind: 'exit', exitCode, signal });
    });
    child.on('error', (error) => resolve({ kind: 'error', error }));
  });
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));

  let timedOut = false;
  let interrupted = false;
  let treeStop: TreeStop | undefined;
  let end: Ending | undefined;
  try {
    end = await within(ending, timeoutMs, signal);
    if (end === undefined && child.pid !== undefined && rootStart !== undefined) {
      interrupted = signal?.aborted === true;
      timedOut = !interrupted;
      treeStop = await stopTree(
        { pid: child.pid, startTime: rootStart },
        cgroup,
        interrupted ? Math.min(killGraceMs, INTERRUPT_GRACE_MS) : killGraceMs,
        treeAccess,
        options.stoppedRecordPath,
      );
      end = await within(ending, EXIT_AFTER_KILL_MS);
    } else if (
      end?.kind === 'exit' &&
      options.stopTreeOnExit === true &&
      child.pid !== undefined &&
      rootStart !== undefined
    ) {
      // Before the drain below, which a leftover holding the pipes open would make wait.
      await stopTree(
        { pid: child.pid, startTime: rootStart },
        cgroup,
        killGraceMs,
        treeAccess,
        options.stoppedRecordPath,
        reapedByTicks,
      );
    }
    if (end?.kind === 'exit') await within(closed, DRAIN_AFTER_EXIT_MS);
  } finally {
    // A daemon it left behind on purpose (it exited on its own) goes back where it would have been
    // (with `stopTreeOnExit`, nothing is left to go back).
    if ('dir' in cgroup) cgroup.release();
    // Cut the pipes: a grandchild still holding them must not keep this process alive.
    child.stdin?.destroy();
    child.stdout?.destroy();
    child.stderr?.destroy();
  }

  const stopped = treeStop === undefined ? {} : { treeStop };
  if (end?.kind === 'error') {
    return {
      ...result({ pid: child.pid, exitCode: null, signal: null, timedOut }),
      ...stopped,
      spawnError: describeSpawnError(end.error, cwd),
    };
  }
  const ended = {
    ...result({ pid: child.pid, exitCode: end?.exitCode ?? null, signal: end?.signal ?? null, timedOut }),
    ...stopped,
  };
  return interrupted ? { ...ended, interrupted } : ended;
}

/** Stops the tree of a command that timed out, with its cgroup when it has one. */
async function stopTree(
  root: { pid: number; startTime: number },
  cgroup: CommandCgroup | { reason: string },
  killGraceMs: number,
  access: Partial<ProcessTreeAccess> | undefined,
  stoppedRecordPath: string | undefined,
  rootReapedByTicks?: number,
): Promise<TreeStop> {
  const inCgroup = 'dir' in cgroup;
  // A cgroup a SIGKILLed watchdog left is repaired by the next one (command-cgroup.ts); without one, a record is.
  const stoppedRecord =
    inCgroup || stoppedRecordPath === undefined ? undefined : stoppedRecordAt(stoppedRecordPath, readBootId());
  const stopped = await terminateProcessTree(root, {
    killGraceMs,
    cgroup: inCgroup ? cgroup : undefined,
    access,
    stoppedRecord,
    rootReapedByTicks,
  });
  const how = { signalled: stopped.signalled, survivors: stopped.survivors };
  return inCgroup
    ? { mechanism: 'cgroup and process tree', ...how }
    : { mechanism: 'process tree', noCgroup: cgroup.reason, ...how };
}

/** What `promise` resolves to, or `undefined` when it takes longer than `ms` or `signal` aborts first. */
async function within<T>(promise: Promise<T>, ms: number, signal?: AbortSignal): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const expired = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
    onAbort = () => resolve(undefined);
    if (signal?.aborted === true) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    // A pending timer would keep a finished tick's process alive until it fires.
    clearTimeout(timer);
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
  }
}

function checkDelay(name: string, ms: number): void {
  // Node fires a timer of NaN, or of more than 2^31 - 1 ms, after 1 ms.
  if (!Number.isFinite(ms) || ms < 0 || ms > 2 ** 31 - 1)
    throw new RangeError(`${name} must be a delay in milliseconds, not ${ms}`);
}
