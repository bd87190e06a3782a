import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { describeError, systemErrorCode } from '../errors.js';
import { describeSpawnError } from './describe-spawn-error.js';
import type { UserAccount } from './lookup-user.js';
import { shellArgv } from './shell-argv.js';
import { reachWorkingFolder } from './working-folder.js';
import { openOutputFile, readOutputSince, type OpenedOutputFile } from './output-file.js';

/** A monitored app to start, outliving the watchdog that starts it. */
export interface StartDetachedOptions {
  /** Passed to /bin/sh -c. */
  command: string;
  cwd: string;
  /** The complete environment. */
  env: NodeJS.ProcessEnv;
  /** Run it as this user (through setpriv) instead of the watchdog's own. */
  user?: UserAccount | undefined;
  /** stdout and stderr are appended here (file created 0o640, missing folders 0o750; never through a link others could plant). */
  outputPath: string;
  /**
   * Tried in order when `outputPath` cannot be opened or written (a read-only or full file
   * system, EACCES, an unsafe path), with the same care; `/dev/null` after them all. The
   * app starts whatever becomes of its output.
   */
  fallbackOutputPaths?: readonly string[];
  /** When the output file is larger than this before the start, it is renamed to `${outputPath}.1` (replacing) first. */
  rotateAboveBytes?: number;
  /** A line written to the output file before the command's own output, e.g. "--- started by watchdog at ... ---". */
  header?: string;
  /** Wait this long for an early exit. */
  verifyDelayMs: number;
  /** Told the PID as soon as the command is spawned, before the wait: to record it at once. */
  onSpawn?: ((pid: number) => void) | undefined;
  /**
   * When it aborts (the watchdog is asked to stop), the wait ends at once and the start is
   * `running`: the app is never stopped for the watchdog's sake.
   */
  signal?: AbortSignal | undefined;
}

/** How a start went. */
export interface StartDetachedResult {
  pid: number | undefined;
  /** running: still running after verifyDelayMs; exited: exited within it (see exitCode/signal); spawn-failed: never started. */
  outcome: 'running' | 'exited' | 'spawn-failed';
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  durationMs: number;
  /** The last ≤4096 bytes the command wrote to its output file during this call (not older content). */
  outputTail: string;
  /** Where its output went: `outputPath`, a fallback, or `/dev/null`. */
  outputPath: string;
  /** Why its output did not go (only) where it should: each path that failed and how, a rotation that failed. */
  outputProblems: string[];
  error?: string;
  /** `verify_delay` was cut short because the watchdog was asked to stop. */
  interrupted?: boolean;
}

const OUTPUT_TAIL_BYTES = 4096;

type Early =
  | { kind: 'running' }
  | { kind: 'exit'; exitCode: number | null; signal: NodeJS.Signals | null }
  | { kind: 'error'; error: Error };

/**
 * Starts `/bin/sh -c command` in a session of its own, its output appended to
 * `outputPath`, and watches it for `verifyDelayMs` to catch an app that dies at once.
 * The app is then let go: the watchdog exits right after its tick and the app lives on.
 *
 * Never rejects because of the app or its output file: those are `spawn-failed` with
 * an `error`.
 *
 * @throws RangeError (as a rejection) when `verifyDelayMs` is not a valid delay.
 */
export async function startDetached(options: StartDetachedOptions): Promise<StartDetachedResult> {
  const { command, cwd, env, outputPath, verifyDelayMs, user } = options;
  const argv = shellArgv(command, user);
  if (!Number.isFinite(verifyDelayMs) || verifyDelayMs < 0 || verifyDelayMs > 2 ** 31 - 1) {
    throw new RangeError(`verifyDelayMs must be a delay in milliseconds, not ${verifyDelayMs}`);
  }
  const started = performance.now();
  const failed = (error: string): StartDetachedResult => ({
    pid: undefined,
    outcome: 'spawn-failed',
    exitCode: null,
    signal: null,
    durationMs: Math.round(performance.now() - started),
    outputTail: '',
    outputPath: output.path,
    outputProblems: output.problems,
    error,
  });

  const output = openOutputWithFallback([outputPath, ...(options.fallbackOutputPaths ?? [])], {
    rotateAboveBytes: options.rotateAboveBytes,
    header: options.header,
    appUser: user,
  });

  // Ours stays open until the tail is read back through it: by then the name may lead
  // elsewhere (the app's user can replace it with a link to a file of root's).
  try {
    const folder = reachWorkingFolder(cwd);
    if ('error' in folder) return failed(folder.error);
    let child: ChildProcess;
    try {
      child = spawn(argv.file, argv.args, {
        cwd: folder.cwd,
        env,
        detached: true,
        stdio: ['ignore', output.fd, output.fd],
      });
    } catch (error) {
      // Node throws at once for options it refuses outright, such as a NUL byte in the command.
      return failed(describeSpawnError(error, cwd));
    } finally {
      // The child has entered it (or never will).
      folder.close();
    }

    const early = await watchEarlyExit(child, verifyDelayMs, options.onSpawn, options.signal);
    // Nothing of ours may keep the watchdog alive for the app's sake.
    child.unref();
    if (early.kind === 'error') return failed(describeSpawnError(early.error, cwd));
    const interrupted = early.kind === 'running' && options.signal?.aborted === true;
    return {
      ...(interrupted ? { interrupted } : {}),
      pid: child.pid,
      outcome: early.kind === 'exit' ? 'exited' : 'running',
      exitCode: early.kind === 'exit' ? early.exitCode : null,
      signal: early.kind === 'exit' ? early.signal : null,
      durationMs: Math.round(performance.now() - started),
      outputTail: readTailQuietly(output),
      outputPath: output.path,
      outputProblems: output.problems,
    };
  } finally {
    closeQuietly(output.fd);
  }
}

/** The output file opened, which one it is, and what went wrong on the way. */
interface OutputChoice extends OpenedOutputFile {
  path: string;
  problems: string[];
}

/**
 * Opens the first of `paths` that can be opened and written, else `/dev/null`: healing never
 * waits for a log file. Only file-system errors move on to the next path; a bug is thrown.
 */
function openOutputWithFallback(paths: readonly string[], options: Parameters<typeof openOutputFile>[1]): OutputChoice {
  const problems: string[] = [];
  for (const path of [...new Set(paths)]) {
    try {
      const opened = openOutputFile(path, options);
      return { ...opened, path, problems: [...problems, ...opened.notes] };
    } catch (error) {
      if (systemErrorCode(error) === undefined) throw error;
      problems.push(`cannot use the output file ${path}: ${describeOutputError(error)}`);
    }
  }
  // Read-write, so the tail is read back the same way (it reads as empty).
  return { fd: openSync('/dev/null', constants.O_RDWR), startOffset: 0, notes: [], path: '/dev/null', problems };
}

/**
 * A file-system error in a few words: Node's message without the call and the path it was
 * given (`, open '/proc/self/fd/23/app.out.log'`), which the caller names better.
 */
function describeOutputError(error: unknown): string {
  return describeError(error).replace(/, [a-z]+(?: '.*')?$/s, '');
}

/**
 * What the app wrote so far, or a note in its place when the file cannot be read back
 * (EIO on a failing SD card): the app is running by now, and its start must be reported.
 */
function readTailQuietly(output: OutputChoice): string {
  try {
    return readOutputSince(output.fd, output.startOffset, OUTPUT_TAIL_BYTES);
  } catch (error) {
    if (systemErrorCode(error) === undefined) throw error;
    output.problems.push(`cannot read back ${output.path}: ${describeError(error)}`);
    return '';
  }
}

/** Closing can report a late write error (EIO); the descriptor is gone all the same, and the start happened. */
function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch (error) {
    if (systemErrorCode(error) === undefined) throw error;
  }
}

/** Waits for the start to succeed or fail, then up to `delayMs` (or until `signal` aborts) for an exit. */
function watchEarlyExit(
  child: ChildProcess,
  delayMs: number,
  onSpawn?: (pid: number) => void,
  signal?: AbortSignal,
): Promise<Early> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const running = (): void => settle({ kind: 'running' });
    const settle = (early: Early): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', running);
      resolve(early);
    };
    child.once('error', (error) => settle({ kind: 'error', error }));
    child.once('exit', (exitCode, exitSignal) => settle({ kind: 'exit', exitCode, signal: exitSignal }));
    // The delay starts once the start succeeded, so a delay of 0 still reports a failed start.
    child.once('spawn', () => {
      if (child.pid !== undefined) onSpawn?.(child.pid);
      if (signal?.aborted === true) {
        running();
        return;
      }
      timer = setTimeout(running, delayMs);
      signal?.addEventListener('abort', running, { once: true });
    });
  });
}
