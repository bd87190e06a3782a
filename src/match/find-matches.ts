import type { UserAccount } from '../system/lookup-user.js';
import type { ProcessInspector } from '../system/system.js';
import {
  judgeMatches,
  runsAs,
  type MatchJudgement,
  type MatchRules,
  type MatchSelf,
  type ScannedProcess,
} from './judge-matches.js';

/** What a match reads of the machine: the process table, command lines and owners, from procfs. */
export type MatchTable = Pick<ProcessInspector, 'all' | 'commandLineRead' | 'uids'>;

/**
 * Every process of the table with its owner, and the command line (its first 4096 bytes,
 * as `pgrep -f` sees it, and whether it goes on past them) of the processes of `user` only: another user's command line is
 * never read, nor searched (procfs, nothing spawned). Processes that exit during the scan
 * are left out.
 *
 * @throws when procfs itself cannot be read (the caller's `check_error`).
 */
export function scanProcesses(processes: MatchTable, user: Pick<UserAccount, 'uid'>): ScannedProcess[] {
  const scanned: ScannedProcess[] = [];
  for (const stat of processes.all()) {
    if (stat.state === 'Z' || stat.state === 'X' || stat.state === 'x') continue;
    const uids = processes.uids(stat.pid);
    if (uids === undefined) continue;
    const read = runsAs(uids, user) ? processes.commandLineRead(stat.pid) : undefined;
    scanned.push({
      pid: stat.pid,
      ppid: stat.ppid,
      state: stat.state,
      startTicks: stat.startTime,
      commandLine: read?.text,
      commandLineCut: read?.cut ?? false,
      uids,
    });
  }
  return scanned;
}

/** The processes that are the app now: the table scanned, then judged ({@link judgeMatches}). */
export function findMatches(rules: MatchRules, processes: MatchTable, self: MatchSelf): MatchJudgement {
  return judgeMatches(scanProcesses(processes, rules.user), rules, self);
}
