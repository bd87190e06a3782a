import type { ProcessUids } from '../system/process-owner.js';
import type { UserAccount } from '../system/lookup-user.js';
import { mayMatchPastCut } from './may-match-past-cut.js';

/** One process of the table as a match sees it: read from procfs by {@link scanProcesses}. */
export interface ScannedProcess {
  pid: number;
  ppid: number;
  /** One letter of `/proc/PID/stat`: Z zombie, X dead... */
  state: string;
  /** Clock ticks since boot: with the PID, what tells a reused PID apart. */
  startTicks: number;
  /**
   * Its arguments joined by spaces, cut to 4096 bytes (as `pgrep -f` sees it); empty for a
   * kernel thread; `undefined` when not read (the process of another user than the rules').
   */
  commandLine: string | undefined;
  /**
   * Its arguments go on past the 4096 bytes read: a pattern that does not match the text
   * may match the whole line. Absent: not cut.
   */
  commandLineCut?: boolean | undefined;
  /** Who it runs as. */
  uids: ProcessUids;
}

/**
 * What the config says the app is: a pattern its command line matches, and the user it runs
 * as (required: `validate` refuses `match` alone without `user`).
 */
export interface MatchRules {
  match: RegExp;
  user: UserAccount;
}

/** Who the watchdog is: itself and its ancestors are never the app it checks. */
export interface MatchSelf {
  ownPid: number;
  /** Its parent, grandparent... (its shell, cron, sshd), as {@link ancestorsOf} lists them. */
  ancestors: ReadonlySet<number>;
  /**
   * This run's arguments after the script, joined by spaces (`restart nginx`); empty for
   * none. What the command line of the launcher of this run holds (`sudo watchdog restart
   * nginx`, `sh -c "watchdog on nginx"`).
   */
  ownArguments: string;
  /**
   * Whether PID is another run of the watchdog (the same executable and script): a run by
   * hand waiting for the lock, `watchdog status`, a hung tick. Asked only of a process that
   * matches.
   */
  isWatchdogRun: (pid: number) => boolean;
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
  /** Processes of the user whose command line matches but that do not count (the watchdog, what it started). */
  setAside: SetAside[];
  /**
   * Processes of the user whose command line goes on past the 4096 bytes searched, and may
   * match past them ({@link mayMatchPastCut}): neither counted nor signalled, but with no
   * match they make the check unable to tell whether the app runs, and the start is refused
   * while one runs (never a second copy of a Java app whose main class is after its classpath).
   */
  uncertain: ScannedProcess[];
}

/**
 * Which processes of `table` are the app of a process checked by `match` alone, as
 * `pgrep -u user -f` would find them, less what must never count: zombies and kernel
 * threads (no command line); the watchdog itself, what this run of it started (its
 * descendants: a cleanup's shell whose command line holds the pattern is not the app),
 * another run of it, and the launcher of this run; and the watchdog's other ancestors and
 * init, listed apart. A process of another user (real or
 * effective uid not the user's) is passed over before the pattern runs, and the pattern
 * runs once per process: the time a pattern takes grows with the text it searches, and
 * another user's process never costs a tick any of it. Pure, given `self`'s lookups.
 */
export function judgeMatches(table: readonly ScannedProcess[], rules: MatchRules, self: MatchSelf): MatchJudgement {
  const byPid = new Map(table.map((entry) => [entry.pid, entry]));
  const matches: ScannedProcess[] = [];
  const ancestors: ScannedProcess[] = [];
  const setAside: SetAside[] = [];
  const uncertain: ScannedProcess[] = [];
  for (const entry of table) {
    if (entry.state === 'Z' || entry.state === 'X' || entry.state === 'x') continue;
    if (!runsAs(entry.uids, rules.user)) continue;
    if (entry.commandLine === undefined || entry.commandLine === '') continue;
    if (!rules.match.test(entry.commandLine)) {
      if (entry.commandLineCut === true && mayBeTheAppPastCut(entry, rules.match, self, byPid)) uncertain.push(entry);
      continue;
    }
    if (entry.pid === self.ownPid) {
      setAside.push({ pid: entry.pid, why: 'the watchdog itself' });
      continue;
    }
    if (isDescendant(entry, self.ownPid, byPid)) {
      setAside.push({ pid: entry.pid, why: 'started by this run of the watchdog' });
      continue;
    }
    // Another run fits any pattern that fits this one (`^node `, user root): counted, a dead
    // app looked healthy; signalled, a person's `watchdog restart other` got SIGTERM.
    if (entry.pid > 1 && self.isWatchdogRun(entry.pid)) {
      setAside.push({ pid: entry.pid, why: 'another run of the watchdog' });
      continue;
    }
    if (entry.pid > 1 && self.ancestors.has(entry.pid) && isLauncher(entry.commandLine, rules.match, self)) {
      setAside.push({ pid: entry.pid, why: 'launched this run of the watchdog' });
      continue;
    }
    if (entry.pid <= 1 || self.ancestors.has(entry.pid)) {
      ancestors.push(entry);
      continue;
    }
    matches.push(entry);
  }
  const oldestFirst = (a: ScannedProcess, b: ScannedProcess): number => a.startTicks - b.startTicks || a.pid - b.pid;
  return {
    matches: matches.sort(oldestFirst),
    ancestors: ancestors.sort(oldestFirst),
    setAside,
    uncertain: uncertain.sort(oldestFirst),
  };
}

/**
 * Whether a cut command line that does not match may still be the app: it may match past
 * the cut ({@link mayMatchPastCut}), and it is none of what never counts (the watchdog, what
 * this run started, another run of it). Searching the whole line instead would bring back
 * what the cut stops: a pattern's time grows with the square of the text, and a 700 KB line
 * held a tick 44 s.
 */
function mayBeTheAppPastCut(
  entry: ScannedProcess,
  match: RegExp,
  self: MatchSelf,
  byPid: ReadonlyMap<number, ScannedProcess>,
): boolean {
  if (entry.commandLine === undefined || !mayMatchPastCut(entry.commandLine, match)) return false;
  if (entry.pid === self.ownPid || isDescendant(entry, self.ownPid, byPid)) return false;
  return !(entry.pid > 1 && self.isWatchdogRun(entry.pid));
}

/**
 * Whether a matching ancestor is only the launcher of this run: its command line holds this
 * run's own arguments, and without them it no longer matches. `sudo watchdog restart nginx`
 * (and `su -c`, `sh -c`, which stay as the watchdog's parent) matches an unanchored `nginx`
 * only because the key is an argument; counted as an ancestor, it failed every `restart`,
 * `on` and `off` of that app run by hand. Such a launcher is set aside: not counted, never
 * signalled (it is the watchdog's ancestor), and not failing the kill. An ancestor that
 * still matches without those arguments (the app itself running `watchdog restart`, a shell
 * script whose other text fits the pattern) stays an ancestor: the kill fails rather than
 * start a copy beside it. Runs the pattern a second time, on at most 4096 bytes, for these
 * few ancestors only.
 */
function isLauncher(commandLine: string, match: RegExp, self: Pick<MatchSelf, 'ownArguments'>): boolean {
  if (self.ownArguments === '' || !commandLine.includes(self.ownArguments)) return false;
  return !match.test(commandLine.replaceAll(self.ownArguments, ' '));
}

/** Whether a process runs as `user`: its real and effective uid both the user's. */
export function runsAs(uids: ProcessUids, user: Pick<UserAccount, 'uid'>): boolean {
  return uids.real === user.uid && uids.effective === user.uid;
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
  return `/${rules.match.source}/ as ${rules.user.name}`;
}

/** `PID 12` or `2 processes (PIDs 12, 40)`, listing at most `limit` PIDs. */
export function describePids(pids: readonly number[], limit = 8): string {
  if (pids.length === 1) return `PID ${pids[0]}`;
  const shown = pids.slice(0, limit).join(', ');
  return `${pids.length} processes (PIDs ${shown}${pids.length > limit ? ', ...' : ''})`;
}

/**
 * Why processes whose command line was cut may be the app (`PID 812's command line goes on
 * past the 4096 bytes searched and may match /x/ as root`), with what to do about it.
 */
export function describeUncertain(uncertain: readonly ScannedProcess[], rules: MatchRules): string {
  const pids = uncertain.map((entry) => entry.pid);
  const whose =
    pids.length === 1 ? `PID ${pids[0]}'s command line goes` : `the command lines of ${describePids(pids)} go`;
  return `${whose} on past the 4096 bytes searched and may match ${describeRules(rules)} (anchor the pattern on the executable's path, or give the app a heartbeat)`;
}
