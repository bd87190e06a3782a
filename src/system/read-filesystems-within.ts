import { spawn } from 'node:child_process';
import { readdirSync, readlinkSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describeError, systemErrorCode } from '../errors.js';
import { readUptimeSeconds } from './boot-info.js';
import { readProcStat } from './proc-stat.js';
import { readProcFile } from './read-proc-file.js';
import { readFilesystem, type FilesystemRead } from './read-filesystem.js';
import { sameProgramTest } from './same-program.js';
import { watchdogBinPath } from './watchdog-bin-path.js';

export { watchdogBinPath } from './watchdog-bin-path.js';

/**
 * How long one file system may take to answer (the walk to its folder and `statfs`), in
 * seconds. A healthy disk answers in microseconds, a slow SD card in milliseconds; a
 * hard-mounted NFS export whose server is gone, or a FUSE daemon that stopped answering,
 * never does (docs/filesystems.md#a-file-system-that-does-not-answer).
 */
export const FILESYSTEM_READ_TIMEOUT_SECONDS = 5;

/**
 * How long all the file system reads of one tick may take, in seconds: no folder is started
 * after it (each is then `error`, not counted). The entries are read one after another, and
 * the config sets no limit on how many there are: twelve on a dead NFS server would otherwise
 * take a minute, past cron's next tick, which would find the lock held and skip everything.
 * So the stage takes at most this plus one read's deadline.
 */
export const FILESYSTEM_READ_BUDGET_SECONDS = 15;

/**
 * The first argument that makes the `watchdog` binary the reader child ({@link runFilesystemReader});
 * the folder it reads is the one argument after it.
 */
export const FILESYSTEM_READER_ARG = '__read-filesystems';

/** Clock ticks per second of `/proc/PID/stat`'s start time: USER_HZ, 100 on every Linux architecture the watchdog runs on. */
const USER_HZ = 100;

export interface ReadFilesystemsWithinOptions {
  /** Default {@link FILESYSTEM_READ_TIMEOUT_SECONDS}, in milliseconds. */
  timeoutMs?: number | undefined;
  /** Default {@link FILESYSTEM_READ_BUDGET_SECONDS}, in milliseconds. */
  budgetMs?: number | undefined;
  /** The monotonic clock the budget is kept on, in milliseconds (default `performance.now`). */
  monotonicMs?: (() => number) | undefined;
  /** The reader child's argv before the paths (default: this binary with {@link FILESYSTEM_READER_ARG}). */
  readerArgv?: readonly string[] | undefined;
  /** Where procfs is mounted (default `/proc`): where readers of earlier ticks still waiting are found. */
  procRoot?: string | undefined;
}

/**
 * Reads the file systems holding these folders ({@link readFilesystem}) in child processes,
 * one folder each, each within a deadline, in order; never throws. The walk and `statfs` of a
 * file system that does not answer block in the kernel, where no thread of this process could
 * be taken back (Node joins its threads at exit, so a blocked one would keep the tick and its
 * lock forever): a child can be killed, as those waits give way to SIGKILL. Such a folder is
 * `unavailable` ("did not answer within N s").
 *
 * One folder a child, named by its one argument, because a child that does not answer outlives
 * the tick (asleep in the kernel, reparented to init): later runs must know which folder it
 * waits on, and its command line is what they read. It used to read every folder and retitle
 * itself (`watchdog: reading PATH`), but a retitle rewrites the whole command line: the script
 * was gone from it, so a `match` no longer knew the reader for a run of the watchdog, counted
 * it as the app (nginx dead, healthy while its log mount hung) and signalled it. Left as it was
 * started (`node .../bin.js __read-filesystems PATH`), it is known as one. What it costs: one
 * start of Node.js per entry, about 60 ms of CPU each here.
 */
export async function readFilesystemsWithin(
  paths: readonly string[],
  options: ReadFilesystemsWithinOptions = {},
): Promise<FilesystemRead[]> {
  const timeoutMs = options.timeoutMs ?? FILESYSTEM_READ_TIMEOUT_SECONDS * 1000;
  const argv = options.readerArgv ?? defaultReaderArgv();
  // A folder an earlier reader still waits on is not read again: each tick would leave one more reader asleep.
  const waiting = paths.length === 0 ? new Map<string, WaitingReader>() : waitingReaders(options.procRoot, timeoutMs);
  const fresh = paths.filter((path) => !waiting.has(path));
  const budgetMs = options.budgetMs ?? FILESYSTEM_READ_BUDGET_SECONDS * 1000;
  const freshReads = await readFreshWithin(
    fresh,
    argv,
    timeoutMs,
    budgetMs,
    options.monotonicMs ?? (() => performance.now()),
  );
  return paths.map((path): FilesystemRead => {
    const reader = waiting.get(path);
    if (reader !== undefined)
      return {
        kind: 'unavailable',
        reason: `${path} still does not answer: a reader of ${Math.floor(reader.waitedSeconds)} s ago (PID ${reader.pid}) waits on it`,
      };
    return freshReads[fresh.indexOf(path)] ?? { kind: 'error', reason: `the watchdog could not read ${path}` };
  });
}

async function readFreshWithin(
  paths: readonly string[],
  argv: readonly string[],
  timeoutMs: number,
  budgetMs: number,
  monotonicMs: () => number,
): Promise<FilesystemRead[]> {
  const reads: FilesystemRead[] = [];
  // On the monotonic clock, as every deadline of the tick: a clock step must not end the stage early or late.
  const startedMs = monotonicMs();
  for (const path of paths) {
    if (monotonicMs() - startedMs >= budgetMs) {
      reads.push({
        kind: 'error',
        reason: `${path} was not read: the ${formatSeconds(budgetMs)} a tick gives its file system reads ran out (a file system before it did not answer)`,
      });
      continue;
    }
    const { read, end } = await readInChild(argv, path, timeoutMs);
    if (read !== undefined) reads.push(read);
    else if (end.kind === 'timed_out')
      reads.push({ kind: 'unavailable', reason: `${path} did not answer within ${formatSeconds(timeoutMs)}` });
    else {
      // The reader itself failed (not the file system): said as the watchdog's error.
      const why = end.kind === 'failed' ? end.reason : 'its reader child stopped early';
      reads.push({ kind: 'error', reason: `the watchdog could not read ${path}: ${why}` });
    }
  }
  return reads;
}

/** The `watchdog` binary as the reader child: the same Node.js and flags, whoever runs the tick (the CLI, or a program using the library). */
function defaultReaderArgv(): string[] {
  return [process.execPath, ...process.execArgv, watchdogBinPath(import.meta.url), FILESYSTEM_READER_ARG];
}

type ChildEnd = { kind: 'done' } | { kind: 'timed_out' } | { kind: 'failed'; reason: string };

/** Reads one folder in a reader child: its reading, or how the child ended without one. */
function readInChild(
  argv: readonly string[],
  path: string,
  timeoutMs: number,
): Promise<{ read: FilesystemRead | undefined; end: ChildEnd }> {
  return new Promise((resolve) => {
    let read: FilesystemRead | undefined;
    let settled = false;
    const finish = (end: ChildEnd): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ read, end: read === undefined ? end : { kind: 'done' } });
    };
    const [command, ...args] = argv;
    const child = spawn(command ?? process.execPath, [...args, path], { stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(onTimeout, timeoutMs);
    function onTimeout(): void {
      // Killed, not waited for: a process blocked on a dead NFS server dies when the kernel lets it.
      child.kill('SIGKILL');
      child.stdout.destroy();
      child.stderr.destroy();
      child.unref();
      finish({ kind: 'timed_out' });
    }
    let pending = '';
    let errors = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const end = pending.indexOf('\n');
      if (end < 0) return;
      read = parseRead(pending.slice(0, end));
      if (read === undefined) {
        child.kill('SIGKILL');
        finish({ kind: 'failed', reason: 'its reader child wrote something else than a reading' });
        return;
      }
      finish({ kind: 'done' });
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (errors.length < 2000) errors += chunk;
    });
    child.on('error', (error) =>
      finish({ kind: 'failed', reason: `its reader child did not start: ${describeError(error)}` }),
    );
    child.on('close', (code, signal) =>
      finish({
        kind: 'failed',
        reason: `its reader child ended (${signal ?? `exit ${code}`})${errors.trim() === '' ? '' : `: ${errors.trim().split('\n')[0]}`}`,
      }),
    );
  });
}

function parseRead(line: string): FilesystemRead | undefined {
  try {
    const read = JSON.parse(line) as FilesystemRead;
    if (read.kind === 'read' && typeof read.figures === 'object' && read.figures !== null) return read;
    if ((read.kind === 'unavailable' || read.kind === 'error') && typeof read.reason === 'string') return read;
  } catch {
    // Not JSON: said by the caller.
  }
  return undefined;
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * The reader child's work (the `watchdog` binary run with {@link FILESYSTEM_READER_ARG} and
 * one folder): its file system read, one JSON line. Never retitled: its command line is how
 * later runs know it, both as a run of the watchdog (same-program.ts) and as the reader of
 * that folder ({@link waitingReaders}).
 */
export function runFilesystemReader(paths: readonly string[]): void {
  for (const path of paths) writeSync(1, `${JSON.stringify(readFilesystem(path))}\n`);
}

interface WaitingReader {
  pid: number;
  waitedSeconds: number;
}

/**
 * The reader children of earlier runs still waiting on a folder, by folder: processes of
 * the watchdog's own user whose command line ends with {@link FILESYSTEM_READER_ARG} and one
 * folder, asleep in the kernel (state `D`) for longer than the deadline, and that are this
 * watchdog's own readers ({@link isOwnReaderTest}). Never throws: procfs unreadable finds none.
 */
export function waitingReaders(
  procRoot = '/proc',
  timeoutMs = FILESYSTEM_READ_TIMEOUT_SECONDS * 1000,
  isOwnReader: (pid: number) => boolean = isOwnReaderTest(procRoot),
): Map<string, WaitingReader> {
  const found = new Map<string, WaitingReader>();
  const ownUid = process.getuid?.();
  const uptime = readUptimeSeconds(procRoot);
  if (ownUid === undefined || uptime === undefined) return found;
  let names: string[];
  try {
    names = readdirSync(procRoot);
  } catch {
    return found;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    try {
      if (statSync(join(procRoot, name)).uid !== ownUid) continue;
      const folder = readerFolderOf(readProcFile(pid, 'cmdline', procRoot));
      if (folder === undefined) continue;
      const stat = readProcStat(pid, procRoot);
      if (stat === undefined || stat.state !== 'D') continue;
      const waitedSeconds = uptime - stat.startTime / USER_HZ;
      if (waitedSeconds * 1000 <= timeoutMs || !isOwnReader(pid)) continue;
      found.set(folder, { pid, waitedSeconds });
    } catch {
      // Gone, or unreadable: not one of ours to wait for.
    }
  }
  return found;
}

/**
 * Whether a process is one of this watchdog's own readers, not a look-alike: in the same PID
 * namespace (root in a container without user namespaces is uid 0 on the host too, picks its
 * own command line and can sleep in state `D`, as the parent of a `vfork` does; it would make
 * the watchdog stop reading a folder for good), and a run of the same program, its executable
 * and script the same files as this one's ({@link sameProgramTest}; a setuid program run with a
 * chosen `argv[0]` has another executable).
 */
export function isOwnReaderTest(procRoot = '/proc'): (pid: number) => boolean {
  const ownNamespace = linkTargetOf(`${procRoot}/self/ns/pid`);
  const sameProgram = sameProgramTest(undefined, procRoot);
  return (pid) =>
    ownNamespace !== undefined && linkTargetOf(`${procRoot}/${pid}/ns/pid`) === ownNamespace && sameProgram(pid);
}

function linkTargetOf(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch (error) {
    // Gone, or not permitted: not known to be ours.
    if (systemErrorCode(error) !== undefined) return undefined;
    throw error;
  }
}

/** The folder a reader child reads, from its raw `cmdline` (`...\0__read-filesystems\0PATH\0`); `undefined` when it is none. */
export function readerFolderOf(cmdline: string | undefined): string | undefined {
  const args = cmdline?.replace(/\0$/, '').split('\0');
  if (args === undefined || args.length < 3 || args.at(-2) !== FILESYSTEM_READER_ARG) return undefined;
  const folder = args.at(-1);
  return folder === undefined || folder === '' ? undefined : folder;
}
