import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readProcFile } from './read-proc-file.js';

/** The fields of `/proc/PID/stat` that process supervision needs (see proc(5)). */
export interface ProcStat {
  pid: number;
  /** One letter: R running, S sleeping, D disk sleep, T stopped, Z zombie, X dead... */
  state: string;
  ppid: number;
  /** The process group ID. */
  pgrp: number;
  /** The session ID. */
  session: number;
  /** When the process started, in clock ticks since boot (field 22): with the PID, it tells a reused PID apart. */
  startTime: number;
}

/**
 * Parses the text of `/proc/PID/stat`.
 *
 * @example
 * parseProcStat('42 (my app) S 1 42 42 0 -1 ...'); // { pid: 42, state: 'S', ppid: 1, ... }
 * @throws when the text is not a stat line: better no answer than a wrong one.
 */
export function parseProcStat(text: string): ProcStat {
  // The command name (field 2) is in parentheses and may itself hold spaces and
  // parentheses, but nothing after it can hold a ')': the greedy match ends at the last one.
  const match = /^(\d+) \(.*\) (.*)$/s.exec(text.trimEnd());
  // The fields after the name start at field 3 (state), so field N is rest[N - 3].
  const rest = match?.[2]?.split(' ') ?? [];
  const pid = toInteger(match?.[1]);
  const state = rest[0];
  const [ppid, pgrp, session] = [rest[1], rest[2], rest[3]].map(toInteger);
  const startTime = toInteger(rest[19]);
  if (
    pid === undefined ||
    state === undefined ||
    !/^[A-Za-z]$/.test(state) ||
    ppid === undefined ||
    pgrp === undefined ||
    session === undefined ||
    startTime === undefined
  ) {
    throw new Error(`cannot parse a procfs stat line: ${JSON.stringify(text.slice(0, 200))}`);
  }
  return { pid, state, ppid, pgrp, session, startTime };
}

/**
 * Reads `/proc/PID/stat`, or `undefined` when there is no such process. A zombie is
 * returned with state `Z`: the caller decides what it means. Like procfs itself, this
 * also answers for a thread ID (whose `pid` field is then the thread ID).
 *
 * @param procRoot where procfs is mounted; tests point it at a fake tree.
 * @throws on any other read error, or when the text cannot be parsed.
 */
export function readProcStat(pid: number, procRoot = '/proc'): ProcStat | undefined {
  const text = readProcFile(pid, 'stat', procRoot);
  if (text === undefined) return undefined;
  const stat = parseProcStat(text);
  if (stat.pid !== pid) throw new Error(`${join(procRoot, String(pid), 'stat')} describes PID ${stat.pid}`);
  return stat;
}

/**
 * The PIDs of the live members of process group `pgid`: processes (the numeric entries
 * of `/proc` itself, so never threads) whose group is `pgid`, leaving out zombies and
 * dead processes, which have exited and only wait to be reaped (perhaps by an init
 * that never does). Processes that exit during the scan are left out.
 */
export function listProcessGroup(pgid: number, procRoot = '/proc'): number[] {
  return listLive((stat) => stat.pgrp === pgid, pgid, procRoot);
}

/** The PIDs of the live members of session `sid`, as {@link listProcessGroup} lists a group's. */
export function listSession(sid: number, procRoot = '/proc'): number[] {
  return listLive((stat) => stat.session === sid, sid, procRoot);
}

function listLive(belongs: (stat: ProcStat) => boolean, id: number, procRoot: string): number[] {
  if (!Number.isSafeInteger(id) || id < 1) return [];
  const members: number[] = [];
  for (const name of readdirSync(procRoot)) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readProcStat(Number(name), procRoot);
    if (stat === undefined || !belongs(stat)) continue;
    if (stat.state === 'Z' || stat.state === 'X' || stat.state === 'x') continue;
    members.push(stat.pid);
  }
  return members;
}

/**
 * Every process of the table (the numeric entries of `/proc`, so never threads), zombies
 * included with their state; processes that exit during the scan are left out.
 */
export function readProcessTable(procRoot = '/proc'): ProcStat[] {
  const table: ProcStat[] = [];
  for (const name of readdirSync(procRoot)) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readProcStat(Number(name), procRoot);
    if (stat !== undefined) table.push(stat);
  }
  return table;
}

function toInteger(field: string | undefined): number | undefined {
  if (field === undefined || !/^-?\d+$/.test(field)) return undefined;
  const value = Number(field);
  return Number.isSafeInteger(value) ? value : undefined;
}

/**
 * Clock ticks per second of `/proc/PID/stat` times (USER_HZ). The kernel reports them in
 * USER_HZ, which is 100 on every architecture a device of ours runs (x86, ARM, RISC-V).
 */
export const USER_HZ = 100;

/** When the machine booted, in milliseconds since the epoch, from `btime` in `/proc/stat`. */
export function readBootTimeMs(procRoot = '/proc'): number | undefined {
  const btime = /^btime\s+(\d+)\s*$/m.exec(readFileSync(join(procRoot, 'stat'), 'utf8'))?.[1];
  return btime === undefined ? undefined : Number(btime) * 1000;
}

/** When a process started, in milliseconds since the epoch (to about a second: `btime` is whole seconds). */
export function startedAtMs(stat: Pick<ProcStat, 'startTime'>, bootTimeMs: number): number {
  return bootTimeMs + (stat.startTime * 1000) / USER_HZ;
}
