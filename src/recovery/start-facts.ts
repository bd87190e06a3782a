import type { StartedInstance } from '../store/process-control.js';
import { checkIdentity, type ExpectedIdentity } from '../heartbeat/check-identity.js';
import type { UserAccount } from '../system/lookup-user.js';
import { observeIdentity } from '../system/observe-identity.js';
import { bootClockOf, type ProcessInspector } from '../system/system.js';
import type { Assessment, GraceClock } from './assess-check.js';
import type { StartFacts, StartIntent } from './decide-start.js';

/**
 * The facts {@link decideStart} weighs, from a check and the process table: which live
 * processes the heartbeat and the audit log name, and whether the actions kill first.
 */
export function startFactsOf(
  request: { intent: StartIntent; force: boolean; actions: readonly string[] },
  assessment: Pick<Assessment, 'verdict' | 'checked' | 'guard'>,
  started: StartedInstance | undefined,
  processes: ProcessInspector,
  expected: {
    match?: RegExp | undefined;
    user?: UserAccount | undefined;
    heartbeat_path?: string | undefined;
    health?: unknown;
  } = {},
): StartFacts {
  const recordedLivePid =
    started !== undefined && isRecordedInstanceAlive(started, processes) ? started.pid : undefined;
  const { checked } = assessment;
  const named = checked.state === 'invalid_heartbeat' ? checked.pid : undefined;
  // Only a PID that can name a process is looked up: a hostile -1 or 0 is never read.
  const untrustedLive =
    named !== undefined &&
    Number.isSafeInteger(named) &&
    named > 1 &&
    processes.liveness(named) === 'alive' &&
    mayBeTheApp(named, { ...expected, writerUid: checked.writerUid }, processes);
  return {
    intent: request.intent,
    force: request.force,
    state: assessment.verdict.state,
    heartbeat: checked.state,
    reason: assessment.verdict.reason,
    guard: assessment.guard?.kind,
    untrustedLivePid: untrustedLive && named !== recordedLivePid ? named : undefined,
    recordedLivePid,
    kills: request.actions.includes('kill'),
    probeAlone: expected.health !== undefined && expected.heartbeat_path === undefined && expected.match === undefined,
    startedGone: started === undefined ? undefined : provenGone(started, processes),
    startedProof: started === undefined ? undefined : proofOf(started, processes),
    // Found by `match` alone (matchRulesOf): a heartbeat gives `match` its older meaning.
    byMatch: expected.match !== undefined && expected.heartbeat_path === undefined,
  };
}

/**
 * Why the started instance being gone would mean the app is ({@link StartFacts.startedProof}):
 * an earlier boot, or how it was found when that says it was the app itself.
 */
function proofOf(started: StartedInstance, processes: ProcessInspector): StartFacts['startedProof'] {
  if (isOfAnotherBoot(started, processes)) return 'earlier_boot';
  return started.foundBy === 'ran' || started.foundBy === 'pid_file' ? started.foundBy : undefined;
}

/** The instance was recorded in another boot than this one (both known). */
function isOfAnotherBoot(started: StartedInstance, processes: Pick<ProcessInspector, 'bootId'>): boolean {
  const bootId = processes.bootId();
  return started.bootId !== undefined && bootId !== undefined && started.bootId.toLowerCase() !== bootId.toLowerCase();
}

/** {@link isStartedInstanceGone}, a process table that cannot be read proving nothing. */
function provenGone(started: StartedInstance, processes: ProcessInspector): boolean {
  try {
    return isStartedInstanceGone(started, processes);
  } catch {
    return false;
  }
}

/**
 * Whether a live PID may be the app: the `match` and `user` the config gives, when it gives
 * them, must fit, and without a `user` it must run as the ordinary user who wrote the
 * heartbeat (an app's user speaks only for their own processes). One that fails is a
 * stranger, whatever names it.
 */
function mayBeTheApp(
  pid: number,
  expected: Pick<ExpectedIdentity, 'match' | 'user' | 'writerUid'>,
  processes: ProcessInspector,
): boolean {
  if (expected.match === undefined && expected.user === undefined && expected.writerUid === undefined) return true;
  return checkIdentity(
    pid,
    { match: expected.match, user: expected.user, writerUid: expected.writerUid },
    observeIdentity(processes, pid),
  ).ok;
}

/** The recorded instance still runs: same PID, same start time, same boot, not a zombie. */
export function isRecordedInstanceAlive(
  started: StartedInstance,
  processes: Pick<ProcessInspector, 'stat' | 'bootId'>,
): boolean {
  if (isOfAnotherBoot(started, processes)) return false;
  const stat = processes.stat(started.pid);
  return (
    stat !== undefined &&
    stat.state !== 'Z' &&
    stat.state !== 'X' &&
    stat.state !== 'x' &&
    stat.startTime === started.startTicks
  );
}

/**
 * Whether the instance the last start left is provably gone, so that its start grace
 * excuses nothing: it is not running (by PID, start time and boot), and nothing is left in
 * the session or process group it led (a child it forked without `setsid` may be the app
 * coming up). Nothing recorded (a start under way, or a start command that handed over and
 * left no daemon the watchdog could find) is never proven gone: it may be coming up. A PID
 * reused since by a process that leads its own session counts as a member: not proven.
 */
export function isStartedInstanceGone(
  started: StartedInstance | undefined,
  processes: Pick<ProcessInspector, 'stat' | 'bootId' | 'sessionMembers' | 'groupMembers'>,
): boolean {
  if (started === undefined) return false;
  if (isRecordedInstanceAlive(started, processes)) return false;
  // Another boot: everything of the old one is gone (and its IDs mean nothing now).
  if (isOfAnotherBoot(started, processes)) return true;
  return processes.sessionMembers(started.pid).length === 0 && processes.groupMembers(started.pid).length === 0;
}

/**
 * The clock a check's start grace is judged on: the boot clock, and whether a started
 * instance is gone. Asked inside the tick's transaction of checks: a process table that
 * cannot be read there proves nothing, so the grace holds (no second copy), and the tick goes on.
 */
export function graceClockOf(processes: ProcessInspector): GraceClock {
  const isGone = (instance: StartedInstance): boolean => {
    try {
      return isStartedInstanceGone(instance, processes);
    } catch {
      return false;
    }
  };
  return { ...bootClockOf(processes), isGone };
}
