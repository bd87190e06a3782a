import type { ProcStat } from '../../src/system/proc-stat.js';
import type { ProcessLiveness } from '../../src/system/process-table.js';
import type { ShellCommandOptions, ShellCommandResult } from '../../src/system/run-shell-command.js';
import type { StartDetachedOptions, StartDetachedResult } from '../../src/system/start-detached.js';
import type { System } from '../../src/system/system.js';
import type { PidFileRead } from '../../src/system/read-pid-file.js';
import type { WakeOnLanTarget } from '../../src/wake/wake-on-lan-target.js';
import type { SendMagicPacketResult } from '../../src/wake/send-magic-packet.js';

/** One entry of a fake process table; what is left out takes a plain default. */
export interface FakeProcess {
  pid: number;
  /** The state letter of /proc/PID/stat: S by default, Z a zombie. */
  state?: string;
  /** Its process group: its own PID by default (it leads one). */
  pgrp?: number;
  /** Its session: its process group by default. */
  session?: number;
  ppid?: number;
  /** Clock ticks since boot: 1000 by default. */
  startTime?: number;
  /** A thread ID, not a process. */
  thread?: boolean;
  /** Its command line: `/usr/bin/app` by default. */
  commandLine?: string;
  /** Its arguments go on past what was read (4096 bytes): not by default. */
  commandLineCut?: boolean;
  /** Its real and effective user ID: 0 by default. */
  uid?: number;
  /** Its CPU time in clock ticks: 0 by default. */
  cpuTicks?: number;
  /** Its resident memory in bytes: 0 by default. */
  rssBytes?: number;
}

/** A system error as `process.kill` or `fs` throws it. */
export function systemError(code: string): Error {
  return Object.assign(new Error(`${code}: fake system error`), { code });
}

export interface FakeSystemOptions {
  nowMs?: number;
  processes?: FakeProcess[];
  /** Sees every signal as it is sent (after it is recorded); may change the table, or throw. */
  onSignal?: (target: number, signal: NodeJS.Signals, fake: FakeSystem) => void;
  /** Runs at every sleep, after the clock moved on. */
  onSleep?: (fake: FakeSystem) => void;
  shellResult?: (options: ShellCommandOptions) => Partial<ShellCommandResult>;
  startResult?: (options: StartDetachedOptions) => Partial<StartDetachedResult>;
  /** How sending a magic packet goes (default: sent). */
  wakeResult?: (target: WakeOnLanTarget) => SendMagicPacketResult;
  /** What a PID file holds; by default none was written. */
  pidFile?: (path: string, fake: FakeSystem) => PidFileRead;
  /** What moving a file does; by default nothing (the move succeeds). */
  moveFile?: (from: string, to: string) => void;
  env?: NodeJS.ProcessEnv;
  ownPid?: number;
  ownProcessGroup?: number;
  ancestors?: number[];
  /** The watchdog's own arguments after its script (`restart nginx`): none by default. */
  ownArguments?: string;
  /** PIDs that are other runs of the watchdog: none by default. */
  watchdogRuns?: number[];
}

/** A System that touches nothing: a clock that moves only when slept on, a process table in memory, and recorders. */
export interface FakeSystem extends System {
  /** Milliseconds since the epoch; `sleep` adds to it. */
  clockMs: number;
  table: Map<number, FakeProcess>;
  /** Every signal sent, in order: [target, signal] (a negative target is a group). */
  signals: [number, NodeJS.Signals][];
  /** Every PID the process table was asked about (stat or liveness). */
  inspected: number[];
  shellCommands: ShellCommandOptions[];
  starts: StartDetachedOptions[];
  moves: [string, string][];
  /** Every magic packet sent, in order. */
  wakes: WakeOnLanTarget[];
  /** Removes processes as if they had exited and been reaped. */
  exit(...pids: number[]): void;
}

export const FAKE_NOW_MS = Date.parse('2026-06-30T12:00:00.000Z');
/** The fake machine booted a day before FAKE_NOW_MS: a default process (start time 1000 ticks) started 10 s after boot. */
export const FAKE_BOOT_MS = FAKE_NOW_MS - 24 * 60 * 60 * 1000;
/** The fake machine's boot id. */
export const FAKE_BOOT_ID = '00000000-0000-4000-8000-000000000001';

/** A fake System; see `FakeSystemOptions` for what a test can steer. */
export function fakeSystem(options: FakeSystemOptions = {}): FakeSystem {
  const table = new Map((options.processes ?? []).map((entry) => [entry.pid, entry]));
  const fake: FakeSystem = {
    clockMs: options.nowMs ?? FAKE_NOW_MS,
    table,
    signals: [],
    inspected: [],
    shellCommands: [],
    starts: [],
    moves: [],
    wakes: [],
    exit(...pids) {
      for (const pid of pids) table.delete(pid);
    },
    processes: {
      liveness(pid): ProcessLiveness {
        fake.inspected.push(pid);
        const entry = table.get(pid);
        if (entry === undefined) return 'dead';
        if (entry.thread === true) return 'thread';
        if (entry.state === 'Z') return 'zombie';
        if (entry.state === 'X') return 'dead';
        return 'alive';
      },
      stat(pid): ProcStat | undefined {
        fake.inspected.push(pid);
        const entry = table.get(pid);
        if (entry === undefined) return undefined;
        const pgrp = entry.pgrp ?? pid;
        return {
          pid,
          state: entry.state ?? 'S',
          ppid: entry.ppid ?? 1,
          pgrp,
          session: entry.session ?? pgrp,
          startTime: entry.startTime ?? 1000,
        };
      },
      bootTimeMs: () => FAKE_BOOT_MS,
      commandLine(pid) {
        fake.inspected.push(pid);
        const entry = table.get(pid);
        return entry === undefined ? undefined : (entry.commandLine ?? '/usr/bin/app');
      },
      commandLineRead(pid) {
        fake.inspected.push(pid);
        const entry = table.get(pid);
        return entry === undefined
          ? undefined
          : { text: entry.commandLine ?? '/usr/bin/app', cut: entry.commandLineCut ?? false };
      },
      uids(pid) {
        fake.inspected.push(pid);
        const entry = table.get(pid);
        return entry === undefined ? undefined : { real: entry.uid ?? 0, effective: entry.uid ?? 0 };
      },
      bootId: () => FAKE_BOOT_ID,
      uptimeSeconds: () => (fake.clockMs - FAKE_BOOT_MS) / 1000,
      sessionMembers(sid) {
        return [...table.values()]
          .filter(
            (entry) =>
              entry.thread !== true &&
              (entry.session ?? entry.pgrp ?? entry.pid) === sid &&
              entry.state !== 'Z' &&
              entry.state !== 'X',
          )
          .map((entry) => entry.pid);
      },
      all() {
        return [...table.values()]
          .filter((entry) => entry.thread !== true)
          .map((entry) => fake.processes.stat(entry.pid))
          .filter((stat) => stat !== undefined);
      },
      usage(pid) {
        fake.inspected.push(pid);
        const entry = table.get(pid);
        if (entry === undefined || entry.thread === true || entry.state === 'Z' || entry.state === 'X')
          return undefined;
        return { startTime: entry.startTime ?? 1000, cpuTicks: entry.cpuTicks ?? 0, rssBytes: entry.rssBytes ?? 0 };
      },
      groupMembers(pgid) {
        return [...table.values()]
          .filter(
            (entry) =>
              entry.thread !== true && (entry.pgrp ?? entry.pid) === pgid && entry.state !== 'Z' && entry.state !== 'X',
          )
          .map((entry) => entry.pid);
      },
    },
    sendSignal(target, signal) {
      fake.signals.push([target, signal]);
      options.onSignal?.(target, signal, fake);
    },
    async runShellCommand(shellOptions) {
      fake.shellCommands.push(shellOptions);
      return {
        pid: 5000,
        exitCode: 0,
        signal: null,
        timedOut: false,
        durationMs: 12,
        outputTail: '',
        ...options.shellResult?.(shellOptions),
      };
    },
    async startDetached(startOptions) {
      fake.starts.push(startOptions);
      // As the real one: told the PID once spawned, before the verify_delay watch.
      startOptions.onSpawn?.(6000);
      return {
        pid: 6000,
        outcome: 'running',
        exitCode: null,
        signal: null,
        durationMs: 2000,
        outputTail: '',
        outputPath: startOptions.outputPath,
        outputProblems: [],
        ...options.startResult?.(startOptions),
      };
    },
    async sendMagicPacket(target) {
      fake.wakes.push(target);
      return (
        options.wakeResult?.(target) ?? {
          ok: true,
          detail: `sent a magic packet for ${target.mac} to ${target.broadcast}:${target.port}`,
        }
      );
    },
    readPidFile: (path) => options.pidFile?.(path, fake) ?? { kind: 'missing' },
    moveFile(from, to) {
      fake.moves.push([from, to]);
      options.moveFile?.(from, to);
    },
    async sleep(ms) {
      fake.clockMs += ms;
      options.onSleep?.(fake);
    },
    now: () => new Date(fake.clockMs),
    monotonicMs: () => fake.clockMs,
    env: options.env ?? { PATH: '/usr/bin:/bin' },
    ownPid: options.ownPid ?? 100,
    ownUid: 0,
    ownProcessGroup: options.ownProcessGroup ?? 90,
    ancestors: () => new Set(options.ancestors ?? [50, 60]),
    ownArguments: options.ownArguments ?? '',
    isWatchdogRun: (pid) => (options.watchdogRuns ?? []).includes(pid),
  };
  return fake;
}

/** An `onSignal` under which the processes a signal reaches exit (and are reaped) when it is `signal`. */
export function exitOn(
  ...signals: NodeJS.Signals[]
): (target: number, signal: NodeJS.Signals, fake: FakeSystem) => void {
  return (target, signal, fake) => {
    if (!signals.includes(signal)) return;
    const reached = target < 0 ? fake.processes.groupMembers(-target) : [target];
    fake.exit(...reached);
  };
}
