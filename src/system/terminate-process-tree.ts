import { performance } from 'node:perf_hooks';
import { systemErrorCode } from '../errors.js';
import { pollDelayMs } from '../time/poll-delay.js';
import { sleep } from '../time/sleep.js';
import type { CommandCgroup } from './command-cgroup.js';
import { findTreeMembers, type TreeRoot } from './find-tree-members.js';
import { readProcessTable, type ProcStat } from './proc-stat.js';
import type { StoppedRecord } from './stopped-record.js';

/** What stopping a tree needs from the machine; tests pass fakes. */
export interface ProcessTreeAccess {
  /** Every process now (default {@link readProcessTable}). */
  readTable: () => readonly ProcStat[];
  /** `kill(2)` of one PID (default `process.kill`). */
  kill: (pid: number, signal: NodeJS.Signals) => void;
  /** The watchdog's PID (default `process.pid`): it and its ancestors are never signalled. */
  ownPid: number;
}

export interface TerminateProcessTreeOptions {
  /** How long the tree has after SIGTERM before it gets SIGKILL. */
  killGraceMs: number;
  /** The command's own cgroup, when one could be made: its members are part of the tree whatever their parents. */
  cgroup?: Pick<CommandCgroup, 'members' | 'freeze' | 'kill'> | undefined;
  /** Where the stopped processes are written down while stopped (without a cgroup): a SIGKILLed watchdog's next run resumes them. */
  stoppedRecord?: StoppedRecord | undefined;
  /** For testing: the process table and kill (default the real ones). */
  access?: Partial<ProcessTreeAccess>;
  /** The root exited and was reaped by then (clock ticks since boot): what it left in its session and group is stopped (see findTreeMembers). */
  rootReapedByTicks?: number | undefined;
  /** The longest wait between two looks while waiting for the tree to go (default 20 ms). */
  pollIntervalMs?: number;
  /** How long to wait for the tree to go after SIGKILL before giving up (default 5000 ms). */
  giveUpAfterMs?: number;
}

export interface TerminateProcessTreeResult {
  /** Whether SIGKILL had to be sent. */
  killed: boolean;
  /** How many processes were signalled, the root included. */
  signalled: number;
  /** PIDs still there when we gave up (stuck in uninterruptible sleep, or not ours to signal); empty once the tree is gone. */
  survivors: number[];
}

/** A tree that keeps forking is stopped round by round; past this many rounds it is not chased further. */
const MAX_STOP_ROUNDS = 200;

/** How long one round waits for the processes it sent SIGSTOP to stop. */
const STOP_WAIT_MS = 200;

/**
 * Stops a command's whole tree: the root (the shell the watchdog spawned), every
 * descendant found through `/proc` (`PPid`), whatever session or group it moved to, the
 * members of the root's session and group, and every member of its cgroup when it has one.
 *
 * 1. Freeze: the cgroup is frozen, and each process found is sent SIGSTOP, looking again
 *    until a look finds nothing new, so nothing forks away while the tree is taken.
 * 2. SIGTERM to each, then SIGCONT (and the cgroup thawed), so each can clean up.
 * 3. Up to `killGraceMs` for all of them (and any child they start meanwhile) to go.
 * 4. What is left is frozen again, then SIGKILL (`cgroup.kill` for the cgroup's members),
 *    then SIGCONT and thaw, so a survivor is not left stopped.
 * 5. Waits (bounded) until none is left.
 *
 * SIGCONT and the thaw after each freeze run in `finally`: an abort or an error while the
 * tree is stopped unwinds through them. A SIGKILLed watchdog runs no `finally`: see
 * `removeAbandoned` in command-cgroup.ts.
 *
 * Never signals PID 1 or below, nor a PID whose process is not the one found: each PID is
 * kept with its start time, and read again before every signal (a reused PID has another).
 *
 * @throws RangeError unless `root.pid` is an integer > 1.
 */
export async function terminateProcessTree(
  root: TreeRoot,
  options: TerminateProcessTreeOptions,
): Promise<TerminateProcessTreeResult> {
  if (!Number.isSafeInteger(root.pid) || root.pid <= 1)
    throw new RangeError(`refusing to signal the tree of PID ${root.pid}`);
  const { killGraceMs, cgroup, pollIntervalMs = 20, giveUpAfterMs = 5000 } = options;
  const readTable = options.access?.readTable ?? (() => readProcessTable());
  const kill = options.access?.kill ?? ((pid: number, signal: NodeJS.Signals) => process.kill(pid, signal));
  const ownPid = options.access?.ownPid ?? process.pid;
  /** The tree found so far: PID → start time. */
  const tree = new Map<number, number>([[root.pid, root.startTime]]);
  const signalled = new Set<number>();
  /** Whether the cgroup is frozen now: its members cannot fork then, though they show S, not T. */
  let cgroupFrozen = false;

  /** PIDs of the tree (and cgroup) that are still there and not zombies, from one look at the table. */
  const alive = (table: readonly ProcStat[]): number[] => {
    const byPid = new Map(table.map((stat) => [stat.pid, stat]));
    const members = new Set<number>();
    for (const [pid, startTime] of tree) {
      const stat = byPid.get(pid);
      if (stat !== undefined && stat.startTime === startTime && !isGone(stat)) members.add(pid);
    }
    for (const pid of cgroup?.members() ?? []) {
      const stat = byPid.get(pid);
      if (stat !== undefined && !isGone(stat)) members.add(pid);
    }
    return [...members];
  };

  /** Adds what the table shows of the tree (and the cgroup) to it; returns the new PIDs. */
  const grow = (table: readonly ProcStat[]): number[] => {
    const found: number[] = [];
    for (const member of findTreeMembers(root, tree, table, { rootReapedByTicks: options.rootReapedByTicks })) {
      tree.set(member.pid, member.startTime);
      found.push(member.pid);
    }
    // A cgroup member is the command's, whoever its parent is now; kept with its start time like the rest.
    for (const pid of cgroup?.members() ?? []) {
      const stat = table.find((entry) => entry.pid === pid);
      if (stat === undefined || tree.has(pid) || isGone(stat)) continue;
      tree.set(pid, stat.startTime);
      found.push(pid);
      // Its own descendants too (a child that left the cgroup is still a descendant).
      for (const member of findTreeMembers(root, tree, table, { rootReapedByTicks: options.rootReapedByTicks })) {
        tree.set(member.pid, member.startTime);
        found.push(member.pid);
      }
    }
    return found;
  };

  /** Sends `signal` to each PID of the tree (or of `only`) that still names the process found. */
  const signalTree = (signal: NodeJS.Signals, table: readonly ProcStat[], only?: readonly number[]): void => {
    const byPid = new Map(table.map((stat) => [stat.pid, stat]));
    // The watchdog's own line (its shell, cron, a user's session) is never the command's, whatever cgroup it sits in.
    const ancestors = ancestorsIn(byPid, ownPid);
    for (const [pid, startTime] of tree) {
      if (only !== undefined && !only.includes(pid)) continue;
      const stat = byPid.get(pid);
      if (
        pid <= 1 ||
        pid === ownPid ||
        ancestors.has(pid) ||
        stat === undefined ||
        stat.startTime !== startTime ||
        isGone(stat)
      )
        continue;
      if (send(kill, pid, signal)) signalled.add(pid);
    }
  };

  let recorded = false;
  /** Writes the tree down before it is sent SIGSTOP; the stop goes on when it cannot be written. */
  const recordStopped = (): void => {
    if (options.stoppedRecord === undefined) return;
    recorded = true;
    quietly(() => options.stoppedRecord?.save([...tree].map(([pid, startTime]) => ({ pid, startTime }))));
  };

  /**
   * Freezes the tree: SIGSTOP to all of it, then a look once they have stopped (state T),
   * again until a look finds nothing new. SIGSTOP only takes effect when the process next
   * runs: a look before that could miss the child of a fork still under way.
   */
  const stopTree = async (): Promise<readonly ProcStat[]> => {
    cgroupFrozen = freezeQuietly(cgroup, true);
    let table = readTable();
    grow(table);
    for (let round = 0; round < MAX_STOP_ROUNDS; round += 1) {
      recordStopped();
      signalTree('SIGSTOP', table);
      table = await waitUntilStopped();
      if (grow(table).length === 0) break;
    }
    return table;
  };

  const frozenMembers = (): number[] => (cgroupFrozen ? (cgroup?.members() ?? []) : []);

  /** Looks until every live member of the tree is stopped, or a short while has passed (one in disk sleep may take longer). */
  const waitUntilStopped = async (): Promise<readonly ProcStat[]> => {
    const deadline = performance.now() + STOP_WAIT_MS;
    for (let attempt = 0; ; attempt += 1) {
      const table = readTable();
      const byPid = new Map(table.map((stat) => [stat.pid, stat]));
      // A frozen cgroup's member shows S, not T, but whatever it forks is a member too.
      const frozen = new Set(frozenMembers());
      const running = [...tree].some(([pid, startTime]) => {
        const stat = byPid.get(pid);
        return (
          stat !== undefined && stat.startTime === startTime && !isGone(stat) && !isStopped(stat) && !frozen.has(pid)
        );
      });
      if (!running || performance.now() >= deadline) return table;
      await sleep(pollDelayMs(attempt, pollIntervalMs));
    }
  };

  /**
   * Lets the tree run again: SIGCONT to each member still the process found, the cgroup
   * thawed. Run in `finally`, so a stop cut short (an abort, an error) never leaves the
   * tree stopped or frozen for good.
   */
  const resume = (): void => {
    signalTree('SIGCONT', readTable());
    freezeQuietly(cgroup, false);
    cgroupFrozen = false;
    if (recorded) quietly(() => options.stoppedRecord?.clear());
    recorded = false;
  };

  try {
    signalTree('SIGTERM', await stopTree());
  } finally {
    resume();
  }

  const waitUntilGone = async (forMs: number, onLook: (table: readonly ProcStat[]) => void): Promise<number[]> => {
    const deadline = performance.now() + forMs;
    for (let attempt = 0; ; attempt += 1) {
      const look = readTable();
      onLook(look);
      const left = alive(look);
      const remaining = deadline - performance.now();
      if (left.length === 0 || remaining <= 0) return left;
      await sleep(Math.min(pollDelayMs(attempt, pollIntervalMs), remaining));
    }
  };

  // Children started in a SIGTERM handler belong to the tree too, and get SIGTERM as well (once).
  const afterGrace = await waitUntilGone(killGraceMs, (look) => {
    const found = grow(look);
    if (found.length > 0) signalTree('SIGTERM', look, found);
  });
  if (afterGrace.length === 0) return { killed: false, signalled: signalled.size, survivors: [] };

  try {
    const table = await stopTree();
    killQuietly(cgroup);
    signalTree('SIGKILL', table);
  } finally {
    // What SIGKILL has not ended yet (uninterruptible sleep), or all of it when cut short, must not stay stopped.
    resume();
  }
  const survivors = await waitUntilGone(giveUpAfterMs, (look) => {
    const found = grow(look);
    if (found.length > 0) signalTree('SIGKILL', look, found);
  });
  return { killed: true, signalled: signalled.size, survivors };
}

/** Whether the signal was sent: ESRCH (gone meanwhile) and EPERM (not ours to signal) are not errors here. */
function send(kill: ProcessTreeAccess['kill'], pid: number, signal: NodeJS.Signals): boolean {
  try {
    kill(pid, signal);
    return true;
  } catch (error) {
    const code = systemErrorCode(error);
    if (code === 'ESRCH' || code === 'EPERM') return false;
    throw error;
  }
}

/** The parent of `pid`, its parent, and so on up to init, as the table shows them. */
function ancestorsIn(byPid: ReadonlyMap<number, ProcStat>, pid: number): Set<number> {
  const ancestors = new Set<number>();
  for (
    let current = byPid.get(pid)?.ppid;
    current !== undefined && current > 1 && !ancestors.has(current);
    current = byPid.get(current)?.ppid
  )
    ancestors.add(current);
  return ancestors;
}

/** T: stopped by a signal; t: stopped by a tracer (it cannot fork either). */
function isStopped(stat: Pick<ProcStat, 'state'>): boolean {
  return stat.state === 'T' || stat.state === 't';
}

function isGone(stat: Pick<ProcStat, 'state'>): boolean {
  return stat.state === 'Z' || stat.state === 'X' || stat.state === 'x';
}

/** The cgroup helps; when its files cannot be written (removed, read-only), the tree is still followed. */
function freezeQuietly(cgroup: TerminateProcessTreeOptions['cgroup'], frozen: boolean): boolean {
  if (cgroup === undefined) return false;
  try {
    cgroup.freeze(frozen);
    return true;
  } catch (error) {
    if (systemErrorCode(error) === undefined) throw error;
    return false;
  }
}

/** A file system error of the stopped record does not stop the stop. */
function quietly(write: () => void): void {
  try {
    write();
  } catch (error) {
    // EUNSAFEPATH (the folder is not safe) included.
    if (systemErrorCode(error) === undefined) throw error;
  }
}

function killQuietly(cgroup: TerminateProcessTreeOptions['cgroup']): void {
  try {
    cgroup?.kill();
  } catch (error) {
    if (systemErrorCode(error) === undefined) throw error;
  }
}
