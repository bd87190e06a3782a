import { spawn } from 'node:child_process';
import { readdirSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeError } from '../errors.js';
import { readUptimeSeconds } from './boot-info.js';
import { readProcStat } from './proc-stat.js';
import { readProcFile } from './read-proc-file.js';
import { readFilesystem, type FilesystemRead } from './read-filesystem.js';

/**
 * How long one file system may take to answer (the walk to its folder and `statfs`), in
 * seconds. A healthy disk answers in microseconds, a slow SD card in milliseconds; a
 * hard-mounted NFS export whose server is gone, or a FUSE daemon that stopped answering,
 * never does (docs/filesystems.md#a-file-system-that-does-not-answer).
 */
export const FILESYSTEM_READ_TIMEOUT_SECONDS = 5;

/** The first argument that makes the `watchdog` binary the reader child ({@link runFilesystemReader}). */
export const FILESYSTEM_READER_ARG = '__read-filesystems';

/** What a reader child calls itself (its command line) while it reads a folder: `watchdog: reading /mnt/nfs`. */
const READER_TITLE = 'watchdog: reading ';

/** Clock ticks per second of `/proc/PID/stat`'s start time: USER_HZ, 100 on every Linux architecture the watchdog runs on. */
const USER_HZ = 100;

export interface ReadFilesystemsWithinOptions {
  /** Default {@link FILESYSTEM_READ_TIMEOUT_SECONDS}, in milliseconds. */
  timeoutMs?: number | undefined;
  /** The reader child's argv before the paths (default: this binary with {@link FILESYSTEM_READER_ARG}). */
  readerArgv?: readonly string[] | undefined;
  /** Where procfs is mounted (default `/proc`): where readers of earlier ticks still waiting are found. */
  procRoot?: string | undefined;
}

/**
 * Reads the file systems holding these folders ({@link readFilesystem}) in a child process,
 * each within a deadline, in order; never throws. The walk and `statfs` of a file system that
 * does not answer block in the kernel, where no thread of this process could be taken back
 * (Node joins its threads at exit, so a blocked one would keep the tick and its lock forever):
 * a child can be killed, as those waits give way to SIGKILL. Such a folder is `unavailable`
 * ("did not answer within N s"); the paths after it are read by a fresh child.
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
  const freshReads = await readFreshWithin(fresh, argv, timeoutMs);
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
): Promise<FilesystemRead[]> {
  const reads: FilesystemRead[] = [];
  while (reads.length < paths.length) {
    const rest = paths.slice(reads.length);
    const batch = await readInChild(argv, rest, timeoutMs);
    reads.push(...batch.reads);
    const stuck = rest[batch.reads.length];
    if (stuck === undefined) break;
    if (batch.end.kind === 'timed_out') {
      reads.push({
        kind: 'unavailable',
        reason: `${stuck} did not answer within ${formatSeconds(timeoutMs)}`,
      });
      continue;
    }
    // The reader itself failed (not the file system): the rest cannot be read this tick.
    const why = batch.end.kind === 'failed' ? batch.end.reason : 'its reader child stopped early';
    for (const path of paths.slice(reads.length))
      reads.push({ kind: 'error', reason: `the watchdog could not read ${path}: ${why}` });
  }
  return reads;
}

/** The `watchdog` binary as the reader child: the same Node.js and flags, whoever runs the tick (the CLI, or a program using the library). */
function defaultReaderArgv(): string[] {
  return [process.execPath, ...process.execArgv, watchdogBinPath(import.meta.url), FILESYSTEM_READER_ARG];
}

/**
 * The `watchdog` binary beside the module at `moduleUrl`: in the bundle (dist/cli/watchdog.js)
 * the bin.js beside it; in the modules tsc writes (dist/system/) or their sources run
 * through tsx (src/system/), cli/bin with their own extension. Never `process.argv[1]`: a
 * program that runs a tick through the library would be run again.
 */
export function watchdogBinPath(moduleUrl: string): string {
  const here = fileURLToPath(moduleUrl);
  if (basename(here) === 'watchdog.js') return join(dirname(here), 'bin.js');
  return join(dirname(here), '..', 'cli', `bin${extname(here)}`);
}

type ChildEnd = { kind: 'done' } | { kind: 'timed_out' } | { kind: 'failed'; reason: string };

function readInChild(
  argv: readonly string[],
  paths: readonly string[],
  timeoutMs: number,
): Promise<{ reads: FilesystemRead[]; end: ChildEnd }> {
  return new Promise((resolve) => {
    const reads: FilesystemRead[] = [];
    let settled = false;
    const finish = (end: ChildEnd): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ reads, end: reads.length >= paths.length ? { kind: 'done' } : end });
    };
    const [command, ...args] = argv;
    const child = spawn(command ?? process.execPath, [...args, ...paths], { stdio: ['ignore', 'pipe', 'pipe'] });
    let timer = setTimeout(onTimeout, timeoutMs);
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
      for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 1);
        const read = parseRead(line);
        if (read === undefined) {
          child.kill('SIGKILL');
          finish({ kind: 'failed', reason: 'its reader child wrote something else than a reading' });
          return;
        }
        reads.push(read);
        clearTimeout(timer);
        timer = setTimeout(onTimeout, timeoutMs);
      }
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
 * The reader child's work (the `watchdog` binary run with {@link FILESYSTEM_READER_ARG}):
 * each folder's file system read, one JSON line each, written as soon as it is read so the
 * parent knows which one hangs.
 */
export function runFilesystemReader(paths: readonly string[]): void {
  for (const path of paths) {
    // Seen in its command line, by the next tick's look for readers still waiting.
    process.title = `${READER_TITLE}${path}`;
    writeSync(1, `${JSON.stringify(readFilesystem(path))}\n`);
  }
}

interface WaitingReader {
  pid: number;
  waitedSeconds: number;
}

/**
 * The reader children of earlier runs still waiting on a folder, by folder: processes of
 * the watchdog's own user (root's processes cannot be faked by an app's user) whose command
 * line says {@link READER_TITLE}, asleep in the kernel (state `D`) for longer than the
 * deadline. Never throws: procfs unreadable finds none.
 */
export function waitingReaders(
  procRoot = '/proc',
  timeoutMs = FILESYSTEM_READ_TIMEOUT_SECONDS * 1000,
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
      const title = readProcFile(pid, 'cmdline', procRoot)?.split('\0')[0];
      if (title === undefined || !title.startsWith(READER_TITLE)) continue;
      const stat = readProcStat(pid, procRoot);
      if (stat === undefined || stat.state !== 'D') continue;
      const waitedSeconds = uptime - stat.startTime / USER_HZ;
      if (waitedSeconds * 1000 <= timeoutMs) continue;
      found.set(title.slice(READER_TITLE.length), { pid, waitedSeconds });
    } catch {
      // Gone, or unreadable: not one of ours to wait for.
    }
  }
  return found;
}
