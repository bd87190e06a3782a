import type { ProcessConfig, WatchdogConfig } from '../config/types.js';
import { describeError } from '../errors.js';
import { classifyHeartbeat, verdict, type HealthVerdict } from '../heartbeat/classify-heartbeat.js';
import type { HeartbeatFileRead } from '../heartbeat/read-heartbeat-file.js';
import { findMatches } from '../match/find-matches.js';
import { judgeMatchVerdict } from '../match/judge-match-verdict.js';
import { matchRulesOf } from '../match/match-rules-of.js';
import type { MatchRules, MatchSelf } from '../match/judge-matches.js';
import { matchSelfOf } from '../match/match-self.js';
import { observeIdentity } from '../system/observe-identity.js';
import type { PidFileRead } from '../system/read-pid-file.js';
import type { ProcessInspector, System } from '../system/system.js';

export interface CheckProcessDeps {
  readHeartbeat: (path: string) => HeartbeatFileRead;
  processTable: ProcessInspector;
  nowMs: number;
  maxClockSkewSeconds: number;
  /** The watchdog's own user. */
  ownUid: number;
  /** Every process key in the config. */
  configuredKeys: ReadonlySet<string>;
  /** A daemon's PID file, read without following a link the app's user could plant. */
  readPidFile: (path: string) => PidFileRead;
  /** Who this run of the watchdog is (read when first asked): never counted as an app found by `match`. */
  matchSelf: () => MatchSelf;
}

/**
 * Checks one process. Never throws: whatever goes wrong becomes this process's verdict,
 * so one broken process cannot stop the others from being checked.
 */
export function checkProcess(process: ProcessConfig, deps: CheckProcessDeps): HealthVerdict {
  try {
    if (process.heartbeat_path === undefined) {
      const rules = matchRulesOf(process);
      if (rules !== undefined) return checkByMatch(rules, process.pid_file, deps);
      // The config rules let a process through without a heartbeat or a match only with `health`.
      return verdict('healthy', 'no heartbeat file or match: its health probe decides');
    }
    return classifyHeartbeat({
      read: deps.readHeartbeat(process.heartbeat_path),
      processKey: process.key,
      configuredKeys: deps.configuredKeys,
      timeoutSeconds: process.timeout_seconds,
      maxClockSkewSeconds: deps.maxClockSkewSeconds,
      nowMs: deps.nowMs,
      liveness: (pid) => deps.processTable.liveness(pid),
      observe: (pid) => observeIdentity(deps.processTable, pid),
      user: process.user,
      match: process.match,
      healthyStatuses: process.healthy_statuses,
      ownUid: deps.ownUid,
    });
  } catch (error) {
    // Reading the heartbeat never throws; what does is the watchdog's side (procfs). Not the
    // app's fault, so not counted against it.
    return verdict('check_error', `the watchdog could not check this process: ${describeError(error)}`);
  }
}

/**
 * A process checked by `match` (docs/apps-without-heartbeat.md): up when a process whose
 * command line matches runs (as its `user`), found by scanning procfs.
 */
function checkByMatch(rules: MatchRules, pidFile: string | undefined, deps: CheckProcessDeps): HealthVerdict {
  const judgement = findMatches(rules, deps.processTable, deps.matchSelf());
  // Read only when something matches: it can only turn a match into not_running.
  const read = pidFile === undefined || judgement.matches.length === 0 ? undefined : deps.readPidFile(pidFile);
  // Whether the PID it names runs: only to say why it is not among the matches.
  const namedRuns = read?.kind === 'pid' ? deps.processTable.liveness(read.pid) === 'alive' : undefined;
  return judgeMatchVerdict(
    judgement,
    rules,
    read === undefined || pidFile === undefined ? undefined : { path: pidFile, read, namedRuns },
  );
}

/** The keys of every process in the config. */
export function configuredKeysOf(config: Pick<WatchdogConfig, 'processes'>): ReadonlySet<string> {
  return new Set(config.processes.map((process) => process.key));
}

/** What {@link checkProcess} needs, from the config and the machine: the clock is read now. */
export function checkProcessDepsOf(
  config: Pick<WatchdogConfig, 'max_clock_skew_seconds' | 'processes'>,
  system: Pick<
    System,
    'processes' | 'now' | 'ownUid' | 'ownPid' | 'ancestors' | 'ownArguments' | 'isWatchdogRun' | 'readPidFile'
  >,
  readHeartbeat: (path: string) => HeartbeatFileRead,
): CheckProcessDeps {
  return {
    readHeartbeat,
    processTable: system.processes,
    nowMs: system.now().getTime(),
    maxClockSkewSeconds: config.max_clock_skew_seconds,
    ownUid: system.ownUid,
    configuredKeys: configuredKeysOf(config),
    readPidFile: (path) => system.readPidFile(path),
    matchSelf: memoized(() => matchSelfOf(system)),
  };
}

/** Read once when first asked: a tick of heartbeat apps never walks the watchdog's ancestors. */
function memoized<T>(read: () => T): () => T {
  let value: { read: T } | undefined;
  return () => (value ??= { read: read() }).read;
}
