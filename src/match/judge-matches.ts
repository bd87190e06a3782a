import type { ProcessUids } from '../system/process-owner.js';
import type { UserAccount } from '../system/lookup-user.js';

/** One process of the table as a match sees it: read from procfs by {@link scanProcesses}. */
export interface ScannedProcess {
  pid: number;
  ppid: number;
  /** One letter of `/proc/PID/stat`: Z zombie, X dead... */
  state: string;
  /** Clock ticks since boot: with the PID, what tells a reused PID apart. */
  startTicks: number;
  /** Its arguments joined by spaces (as `pgrep -f` sees it); empty for a kernel thread. */
  commandLine: string;
  /** Who it runs as; read only for a command line that matches (`undefined` otherwise, or when gone). */
  uids: ProcessUids | undefined;
}

/** What the config says the app is: a pattern its command line matches, and the user it runs as. */
export interface MatchRules {
  match: RegExp;
  user?: UserAccount | undefined;
}

/** Who the watchdog is: itself and its ancestors are never the app it checks. */
export interface MatchSelf {
  ownPid: number;
  /** Its parent, grandparent... (its shell, cron, sshd), as {@link ancestorsOf} lists them. */
  ancestors: ReadonlySet<number>;
}

/** A matching process that is not counted, and why. */
export interface SetAside {
  pid: number;
  why: string;
}

/** Which scanned processes are the app. */
export interface MatchJudgement {
  /** The processes that count as the app, oldest first: what a check names and what `kill` signals. */
  matches: ScannedProcess[];
  /**
   * Matching processes that are the watchdog's ancestors, or init (PID 1, everyone's
   * ancestor). Never counted and never signalled: one may be the app running
   * `watchdog restart` on itself, so a kill fails rather than start a copy beside it.
   */
  ancestors: ScannedProcess[];
  /** Processes whose command line matches but that do not count (the watchdog, what it started, another user's). */
  setAside: SetAside[];
}

/**
 * Which processes of `table` are the app of a process checked by `match` alone, as
 * `pgrep -f` would find them, less what must never count: zombies and kernel threads
 * (no command line); the watchdog itself and what this run of it started (its
 * descendants: a cleanup's shell whose command line holds the pattern is not the app);
 * with a `user`, a process running as anyone else (real and effective uid both the
 * user's); and the watchdog's ancestors and init, listed apart. Pure.
 */
export function judgeMatches(table: readonly ScannedProcess[], rules: MatchRules, self: MatchSelf): MatchJudgement {
  const byPid = new Map(table.map((entry) => [entry.pid, entry]));
  const matches: ScannedProcess[] = [];
  const ancestors: ScannedProcess[] = [];
  const setAside: SetAside[] = [];
  for (const entry of table) {
    if (entry.state === 'Z' || entry.state === 'X' || entry.state === 'x') continue;
    if (entry.commandLine === '' || !rules.match.test(entry.commandLine)) continue;
    if (entry.pid === self.ownPid) {
      setAside.push({ pid: entry.pid, why: 'the watchdog itself' });
      continue;
    }
    if (isDescendant(entry, self.ownPid, byPid)) {
      setAside.push({ pid: entry.pid, why: 'started by this run of the watchdog' });
      continue;
    }
    const user = rules.user;
    if (user !== undefined && (entry.uids?.real !== user.uid || entry.uids.effective !== user.uid)) {
      const runsAs = entry.uids === undefined ? 'an unknown user' : `uid ${entry.uids.effective}`;
      setAside.push({ pid: entry.pid, why: `runs as ${runsAs}, not as ${user.name} (uid ${user.uid})` });
      continue;
    }
    if (entry.pid <= 1 || self.ancestors.has(entry.pid)) {
      ancestors.push(entry);
      continue;
    }
    matches.push(entry);
  }
  const oldestFirst = (a: ScannedProcess, b: ScannedProcess): number => a.startTicks - b.startTicks || a.pid - b.pid;
  return { matches: matches.sort(oldestFirst), ancestors: ancestors.sort(oldestFirst), setAside };
}

/** Whether `entry` descends from `ownPid` (the parent chain, cut at a loop or a missing parent). */
function isDescendant(entry: ScannedProcess, ownPid: number, byPid: ReadonlyMap<number, ScannedProcess>): boolean {
  const seen = new Set<number>();
  for (let parent = entry.ppid; parent > 1 && !seen.has(parent);) {
    if (parent === ownPid) return true;
    seen.add(parent);
    const next = byPid.get(parent);
    if (next === undefined) return false;
    parent = next.ppid;
  }
  return false;
}

/** `/mosquitto/ as mqtt`: the rules in a few words, for reasons and details. */
export function describeRules(rules: MatchRules): string {
  return `/${rules.match.source}/${rules.user === undefined ? '' : ` as ${rules.user.name}`}`;
}

/** `PID 12` or `2 processes (PIDs 12, 40)`, listing at most `limit` PIDs. */
export function describePids(pids: readonly number[], limit = 8): string {
  if (pids.length === 1) return `PID ${pids[0]}`;
  const shown = pids.slice(0, limit).join(', ');
  return `${pids.length} processes (PIDs ${shown}${pids.length > limit ? ', ...' : ''})`;
}
