import {
  listProcessGroup,
  listSession,
  readBootTimeMs,
  readProcStat,
  readProcessTable,
  type ProcStat,
} from './proc-stat.js';
import { readProcessUsage, type ProcessUsage } from './process-usage.js';
import { procfsProcessTable, type ProcessTable } from './process-table.js';
import { readBootId, readUptimeSeconds, type BootClock } from './boot-info.js';
import {
  readCommandLine,
  readCommandLineRead,
  readProcessUids,
  type CommandLineRead,
  type ProcessUids,
} from './process-owner.js';
import type { ShellCommandOptions, ShellCommandResult } from './run-shell-command.js';
import type { StartDetachedOptions, StartDetachedResult } from './start-detached.js';
import type { WakeOnLanTarget } from '../wake/wake-on-lan-target.js';
import type { SendMagicPacketResult } from '../wake/send-magic-packet.js';
import { monotonicMs } from '../time/monotonic-clock.js';
import { sleep } from '../time/sleep.js';
import { renameInFolder } from './rename-in-folder.js';
import { readPidFile, type PidFileRead } from './read-pid-file.js';
import { sameProgramTest } from './same-program.js';

/** The process table as recovery needs it: liveness, plus identity and process groups. */
export interface ProcessInspector extends ProcessTable {
  stat(pid: number): ProcStat | undefined;
  /** When the machine booted (ms since the epoch), to date a process's start from its stat. */
  bootTimeMs(): number | undefined;
  /** Live (non-zombie) members of a process group. */
  groupMembers(pgid: number): number[];
  /** Its arguments joined by spaces, cut to 4096 bytes (as `pgrep -f` sees it); `undefined` when there is no such process. */
  commandLine(pid: number): string | undefined;
  /** The same, with whether it was cut (its arguments go on past 4096 bytes): what a match scan reads. */
  commandLineRead(pid: number): CommandLineRead | undefined;
  /** Who it runs as; `undefined` when there is no such process. */
  uids(pid: number): ProcessUids | undefined;
  /** This boot's id; `undefined` when it cannot be read. */
  bootId(): string | undefined;
  /** Seconds since boot (`/proc/uptime`), a clock no step of the wall clock moves; `undefined` when unreadable. */
  uptimeSeconds(): number | undefined;
  /** Live (non-zombie) members of a session. */
  sessionMembers(sid: number): number[];
  /** Every process (zombies included, with their state), to find a process's descendants. */
  all(): ProcStat[];
  /** What a process uses (memory, CPU time) with its start time; `undefined` when gone or a zombie. */
  usage(pid: number): ProcessUsage | undefined;
}

/**
 * Everything the recovery pipeline does to the machine, in one place, so the pipeline
 * is tested with small fakes and the real thing is only these few lines.
 */
export interface System {
  processes: ProcessInspector;
  /** `kill(2)`: a negative target is a process group. */
  sendSignal(target: number, signal: NodeJS.Signals): void;
  runShellCommand(options: ShellCommandOptions): Promise<ShellCommandResult>;
  startDetached(options: StartDetachedOptions): Promise<StartDetachedResult>;
  /** Wake-on-LAN: one magic packet over UDP. */
  sendMagicPacket(target: WakeOnLanTarget): Promise<SendMagicPacketResult>;
  /** A daemon's PID file, read without following a link the app's user could plant. */
  readPidFile(path: string): PidFileRead;
  /** Renames a file within its folder, the folder reached without links others could plant. */
  moveFile(from: string, to: string): void;
  /** Ends at once when `signal` aborts. */
  sleep(ms: number): Promise<void>;
  /** The wall clock: for timestamps, never for a deadline or a duration. */
  now(): Date;
  /** A clock nothing steps (see monotonicMs): for deadlines, waits and durations. */
  monotonicMs(): number;
  /**
   * Aborted when the run is asked to stop (SIGTERM, SIGINT, SIGHUP): waits end, commands run
   * are stopped, no new action starts. Absent: never.
   */
  signal?: AbortSignal | undefined;
  /** The environment commands inherit. */
  env: NodeJS.ProcessEnv;
  ownPid: number;
  /** The user the watchdog runs as (effective). */
  ownUid: number;
  ownProcessGroup: number;
  /** The watchdog's parent, its parent, and so on up to init. */
  ancestors(): ReadonlySet<number>;
  /** This run's arguments after the script, joined by spaces (`restart nginx`). */
  ownArguments: string;
  /** Whether PID is another run of the watchdog: the same executable and script (see same-program.ts). */
  isWatchdogRun(pid: number): boolean;
}

/**
 * The real machine, with procfs at `procRoot`; the commands it runs inherit `env` (default
 * the watchdog's own); `signal` stops the run's waits and commands (default: never); a
 * command's tree stopped without a cgroup is written down at `stoppedRecordPath` while
 * stopped (see stopped-record.ts).
 */
export function realSystem(
  procRoot = '/proc',
  env: NodeJS.ProcessEnv = process.env,
  signal: AbortSignal = new AbortController().signal,
  stoppedRecordPath?: string,
): System {
  const table = procfsProcessTable(procRoot);
  let bootId: { value: string | undefined } | undefined;
  let ownProcessGroup: number | undefined;
  let isWatchdogRun: ((pid: number) => boolean) | undefined;
  const processes: ProcessInspector = {
    liveness: (pid) => table.liveness(pid),
    stat: (pid) => readProcStat(pid, procRoot),
    bootTimeMs: () => readBootTimeMs(procRoot),
    groupMembers: (pgid) => listProcessGroup(pgid, procRoot),
    commandLine: (pid) => readCommandLine(pid, procRoot),
    commandLineRead: (pid) => readCommandLineRead(pid, procRoot),
    uids: (pid) => readProcessUids(pid, procRoot),
    // Read once: a running watchdog cannot outlive its boot, and a tick asks for every heartbeat.
    bootId: () => (bootId ??= { value: readBootId(procRoot) }).value,
    uptimeSeconds: () => readUptimeSeconds(procRoot),
    sessionMembers: (sid) => listSession(sid, procRoot),
    all: () => readProcessTable(procRoot),
    usage: (pid) => readProcessUsage(pid, procRoot),
  };
  return {
    processes,
    sendSignal: (target, signal) => {
      process.kill(target, signal);
    },
    // Loaded when first used: child processes and sockets bring in Node modules whose
    // loading is a measurable part of a healthy tick's start, and a healthy tick runs none.
    runShellCommand: async (options) =>
      (await import('./run-shell-command.js')).runShellCommand({ signal, stoppedRecordPath, ...options }),
    startDetached: async (options) => (await import('./start-detached.js')).startDetached({ signal, ...options }),
    sendMagicPacket: async (target) => (await import('../wake/send-magic-packet.js')).sendMagicPacket(target),
    moveFile: (from, to) => renameInFolder(from, to),
    readPidFile: (path) => readPidFile(path),
    sleep: (ms) => sleep(ms, signal),
    now: () => new Date(),
    monotonicMs,
    signal,
    env,
    ownPid: process.pid,
    ownUid: process.geteuid?.() ?? 0,
    // Read when a recovery first asks: a healthy tick signals nothing.
    get ownProcessGroup() {
      ownProcessGroup ??= processes.stat(process.pid)?.pgrp ?? process.pid;
      return ownProcessGroup;
    },
    ancestors: () => ancestorsOf(process.ppid, processes),
    ownArguments: process.argv.slice(2).join(' '),
    // Its own files are looked up once, when a match first asks.
    isWatchdogRun: (pid) => (isWatchdogRun ??= sameProgramTest(undefined, procRoot))(pid),
  };
}

/** The boot clock now, for the start grace. */
export function bootClockOf(processes: Pick<ProcessInspector, 'bootId' | 'uptimeSeconds'>): BootClock {
  return { bootId: processes.bootId(), uptimeSeconds: processes.uptimeSeconds() };
}

/** `pid` and its ancestors up to (not including) init. */
export function ancestorsOf(pid: number, processes: Pick<ProcessInspector, 'stat'>): Set<number> {
  const ancestors = new Set<number>();
  for (let current = pid; current > 1 && !ancestors.has(current);) {
    ancestors.add(current);
    const stat = processes.stat(current);
    if (stat === undefined) break;
    current = stat.ppid;
  }
  return ancestors;
}
