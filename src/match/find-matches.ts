import type { ProcessInspector } from '../system/system.js';
import {
  judgeMatches,
  type MatchJudgement,
  type MatchRules,
  type MatchSelf,
  type ScannedProcess,
} from './judge-matches.js';

/** What a match reads of the machine: the process table, command lines and owners, from procfs. */
export type MatchTable = Pick<ProcessInspector, 'all' | 'commandLine' | 'uids'>;

/**
 * Every process of the table with its command line (procfs, nothing spawned), and its
 * owner when the command line matches `match` (one more read, only for those). Processes
 * that exit during the scan are left out.
 *
 * @throws when procfs itself cannot be read (the caller's `check_error`).
 */
export function scanProcesses(processes: MatchTable, match: RegExp): ScannedProcess[] {
  const scanned: ScannedProcess[] = [];
  for (const stat of processes.all()) {
    if (stat.state === 'Z' || stat.state === 'X' || stat.state === 'x') continue;
    const commandLine = processes.commandLine(stat.pid);
    if (commandLine === undefined) continue;
    const uids = commandLine !== '' && match.test(commandLine) ? processes.uids(stat.pid) : undefined;
    scanned.push({
      pid: stat.pid,
      ppid: stat.ppid,
      state: stat.state,
      startTicks: stat.startTime,
      commandLine,
      uids,
    });
  }
  return scanned;
}

/** The processes that are the app now: the table scanned, then judged ({@link judgeMatches}). */
export function findMatches(rules: MatchRules, processes: MatchTable, self: MatchSelf): MatchJudgement {
  return judgeMatches(scanProcesses(processes, rules.match), rules, self);
}
