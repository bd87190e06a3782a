import { findTreeMembers } from '../system/find-tree-members.js';
import type { ProcessInspector } from '../system/system.js';

/** What a process and its descendants use together. */
export interface TreeUsage {
  rssBytes: number;
  cpuTicks: number;
  /** The descendants counted (each re-read and still the process the table showed). */
  descendants: number;
}

/**
 * What `root` (by PID and start time) and all its descendants use: the descendants found in
 * the process table (children of a member, born after it; see findTreeMembers), each read
 * again and counted only while it is still the process found (same start time), so a PID
 * reused during the walk adds nothing. `undefined` when the root is gone or is another
 * process now.
 */
export function measureTree(
  root: { pid: number; startTicks: number },
  processes: Pick<ProcessInspector, 'all' | 'usage'>,
): TreeUsage | undefined {
  const own = processes.usage(root.pid);
  if (own === undefined || own.startTime !== root.startTicks) return undefined;
  const members = findTreeMembers(
    { pid: root.pid, startTime: root.startTicks },
    new Map([[root.pid, root.startTicks]]),
    processes.all(),
  );
  const total: TreeUsage = { rssBytes: own.rssBytes, cpuTicks: own.cpuTicks, descendants: 0 };
  for (const member of members) {
    const usage = processes.usage(member.pid);
    if (usage === undefined || usage.startTime !== member.startTime) continue;
    total.rssBytes += usage.rssBytes;
    total.cpuTicks += usage.cpuTicks;
    total.descendants += 1;
  }
  return total;
}
