import type { ProcStat } from './proc-stat.js';

/** A process known to belong to a command's tree: its PID with its start time, so a reused PID is told apart. */
export interface TreeMember {
  pid: number;
  /** Clock ticks since boot (field 22 of `/proc/PID/stat`). */
  startTime: number;
}

/** The command whose tree is followed: the shell the watchdog spawned, leader of its own session and group. */
export interface TreeRoot {
  pid: number;
  startTime: number;
}

/**
 * The processes of `table` that belong to the tree of `root` and are not in `known` yet: a
 * child of a known member (that member still in the table with the start time known, and
 * the child born after it), or a member of the root's session or process group while a known
 * member (the root or another, still the process found) carries that session or group ID. Zombies and dead processes are left out: they cannot fork or be
 * stopped, and only wait to be reaped.
 *
 * Follows the table to a fixed point, so a chain of new descendants is found in one call.
 * What it cannot see: a descendant whose parent died before the table was read, and that
 * left the root's session (`setsid`), has been reparented to init or a subreaper and no
 * longer leads back to the root. A cgroup holds those (see terminate-process-tree.ts).
 * `rootReapedByTicks`: the root exited and was reaped by then (clock ticks since boot, as a
 * start time; a command probe's leftovers, see runShellCommand's `stopTreeOnExit`): the
 * members of its session and group born before then are still found by the IDs it left them.
 *
 * @example
 * findTreeMembers({ pid: 50, startTime: 7 }, new Map([[50, 7]]), table); // [{ pid: 51, startTime: 9 }, ...]
 */
export function findTreeMembers(
  root: TreeRoot,
  known: ReadonlyMap<number, number>,
  table: readonly ProcStat[],
  { rootReapedByTicks }: { rootReapedByTicks?: number | undefined } = {},
): TreeMember[] {
  const members = new Map(known);
  const byPid = new Map(table.map((stat) => [stat.pid, stat]));
  const found: TreeMember[] = [];
  for (let grew = true; grew;) {
    grew = false;
    // The root's session and group IDs are the root's only while a member (still the process
    // found) carries them: once all are gone the kernel may hand the root's PID to a stranger,
    // whose new session or group then has that ID too.
    const carried = carriedIds(members, byPid);
    // After the root was reaped, a process that was born before then, with the root's session
    // or group ID, took it from the root: until it was reaped, the root held its PID, and Linux
    // hands out no PID still in use as a session or group ID. Only while no process has the
    // root's PID (a stranger that took it since may start a session of its own).
    const reapedRootIds = rootReapedByTicks !== undefined && !byPid.has(root.pid);
    for (const stat of table) {
      if (members.has(stat.pid) || stat.pid <= 1 || isGone(stat)) continue;
      // The parent must still be the member found, not a process that took its PID since.
      const parentStart = members.get(stat.ppid);
      const isChild =
        parentStart !== undefined && byPid.get(stat.ppid)?.startTime === parentStart && stat.startTime >= parentStart;
      const bornBeforeReaped = reapedRootIds && stat.startTime <= rootReapedByTicks;
      const inRootSession =
        ((stat.session === root.pid && (carried.session.has(root.pid) || bornBeforeReaped)) ||
          (stat.pgrp === root.pid && (carried.group.has(root.pid) || bornBeforeReaped))) &&
        stat.startTime >= root.startTime;
      if (!isChild && !inRootSession) continue;
      members.set(stat.pid, stat.startTime);
      found.push({ pid: stat.pid, startTime: stat.startTime });
      grew = true;
    }
  }
  return found;
}

/** The session and group IDs that members of the tree, still the processes found, carry now. */
function carriedIds(
  members: ReadonlyMap<number, number>,
  byPid: ReadonlyMap<number, ProcStat>,
): { session: Set<number>; group: Set<number> } {
  const carried = { session: new Set<number>(), group: new Set<number>() };
  for (const [pid, startTime] of members) {
    const stat = byPid.get(pid);
    if (stat === undefined || stat.startTime !== startTime) continue;
    carried.session.add(stat.session);
    carried.group.add(stat.pgrp);
  }
  return carried;
}

function isGone(stat: Pick<ProcStat, 'state'>): boolean {
  return stat.state === 'Z' || stat.state === 'X' || stat.state === 'x';
}
