import { verdict, type HealthVerdict } from '../heartbeat/classify-heartbeat.js';
import type { IdentityCheck } from '../heartbeat/check-identity.js';
import type { PidFileRead } from '../system/read-pid-file.js';
import {
  describePids,
  describeRules,
  describeUncertain,
  type MatchJudgement,
  type MatchRules,
} from './judge-matches.js';

/** The app's `pid_file` as the check read it: the file the daemon writes its PID to. */
export interface MatchPidFile {
  path: string;
  read: PidFileRead;
  /** Whether the PID it names runs now (`alive`, not a zombie); absent when not asked. */
  namedRuns?: boolean | undefined;
}

/**
 * The health of an app checked by `match` alone, from what matched: `healthy` naming the
 * matching PIDs (oldest first; the verdict's `pid` is the oldest), else `not_running`, a
 * failure, saying what matched but did not count. With a `pid_file` that names a PID (a
 * missing or unreadable one changes nothing), that PID must be among the matches, else
 * `not_running`: the matches are what a dead daemon left. With no match (or a `pid_file`
 * naming a PID that does not match) but a process of the user whose command line goes on past
 * the 4096 bytes searched and may match past them: `check_error`, the check cannot tell, and
 * saying so is all it does (not a failure, no recovery; a start is refused while it runs). Pure.
 */
export function judgeMatchVerdict(
  judgement: MatchJudgement,
  rules: MatchRules,
  pidFile?: MatchPidFile | undefined,
): HealthVerdict {
  const { matches } = judgement;
  const identity: IdentityCheck[] = ['command_line', 'user'];
  const oldest = matches[0];
  const named = pidFile?.read.kind === 'pid' ? pidFile.read.pid : undefined;
  // Not `not_running`: the app may be that process, and a recovery's start would be a second
  // copy beside it at every threshold (a JVM whose main class is after a 5 KB classpath).
  const uncertain = judgement.uncertain.filter((entry) => oldest === undefined || entry.pid === named);
  if (uncertain.length > 0 && !matches.some((entry) => entry.pid === named)) {
    const found =
      oldest === undefined
        ? `no process matches ${describeRules(rules)}`
        : `${pidFile?.path ?? 'its pid_file'} names PID ${named ?? '?'}, which does not match within what is searched`;
    return verdict(
      'check_error',
      `cannot tell whether it runs: ${found}, but ${describeUncertain(uncertain, rules)}${describeNotCounted(judgement)}`,
      { matchCount: matches.length },
    );
  }
  // The daemon's PID file names a PID that is not among the matches: the daemon is gone, and
  // what matches is what it left (workers it forked, reparented to init), which would
  // otherwise keep the app healthy for good. Not running: the recovery's kill signals them.
  if (
    oldest !== undefined &&
    pidFile !== undefined &&
    named !== undefined &&
    !matches.some((entry) => entry.pid === named)
  ) {
    const found = `${describePids(matches.map((entry) => entry.pid))} ${matches.length === 1 ? 'matches' : 'match'} ${describeRules(rules)}`;
    // Alive yet not a match: a pattern that fits only the workers (or a wrapper's child) would
    // restart the app at every threshold, and nothing else would say why. validate cannot
    // tell (it does not run the app), so the reason does.
    const why =
      pidFile.namedRuns === true
        ? `${pidFile.path} names PID ${named}, which runs but does not match: the process the pid_file names must itself match the pattern (one that fits only its workers, or a wrapper's child, restarts the app at every threshold), unless its PID was reused since the daemon died; ${found}`
        : `${pidFile.path} names PID ${named}, which is not among the matches (gone?); ${found}: leftovers of the dead app?`;
    return verdict('not_running', `${why}${describeNotCounted(judgement)}`, { matchCount: matches.length });
  }
  if (oldest !== undefined) {
    const found = `${describePids(matches.map((entry) => entry.pid))} ${matches.length === 1 ? 'matches' : 'match'} ${describeRules(rules)}`;
    return verdict('healthy', `${found}${describeNotCounted(judgement)}`, {
      pid: oldest.pid,
      identity,
      matchCount: matches.length,
    });
  }
  return verdict('not_running', `no process matches ${describeRules(rules)}${describeNotCounted(judgement)}`, {
    matchCount: 0,
  });
}

/** `; not counted: PID 1 (an ancestor of the watchdog, or init), ...`: what matched yet is not the app. */
export function describeNotCounted(judgement: Pick<MatchJudgement, 'ancestors' | 'setAside'>, limit = 4): string {
  const notes = [
    ...judgement.ancestors.map(
      (entry) => `PID ${entry.pid} (${entry.pid <= 1 ? 'init' : 'an ancestor of the watchdog'})`,
    ),
    ...judgement.setAside.map((entry) => `PID ${entry.pid} (${entry.why})`),
  ];
  if (notes.length === 0) return '';
  const more = notes.length > limit ? `, and ${notes.length - limit} more` : '';
  return `; not counted: ${notes.slice(0, limit).join(', ')}${more}`;
}
