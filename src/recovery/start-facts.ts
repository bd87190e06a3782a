import type { StartedInstance } from '../store/process-control.js';
import { checkIdentity, type ExpectedIdentity } from '../heartbeat/check-identity.js';
import type { UserAccount } from '../system/lookup-user.js';
import { observeIdentity, type ProcessInspector } from '../system/system.js';
import type { Assessment } from './assess-check.js';
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
  expected: { match?: RegExp | undefined; user?: UserAccount | undefined } = {},
): StartFacts {
  const recordedLivePid = started !== undefined && isRecordedInstanceAlive(started, processes) ? started.pid : undefined;
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
  };
}

/**
 * Whether a live PID may be the app: the `match` and `user` the config gives, when it gives
 * them, must fit, and without a `user` it must run as the ordinary user who wrote the
 * heartbeat (an app's user speaks only for their own processes). One that fails is a
 * stranger, whatever names it.
 */
function mayBeTheApp(pid: number, expected: Pick<ExpectedIdentity, 'match' | 'user' | 'writerUid'>, processes: ProcessInspector): boolean {
  if (expected.match === undefined && expected.user === undefined && expected.writerUid === undefined) return true;
  return checkIdentity(pid, { match: expected.match, user: expected.user, writerUid: expected.writerUid }, observeIdentity(processes, pid)).ok;
}

/** The recorded instance still runs: same PID, same start time, same boot, not a zombie. */
export function isRecordedInstanceAlive(started: StartedInstance, processes: Pick<ProcessInspector, 'stat' | 'bootId'>): boolean {
  const bootId = processes.bootId();
  if (started.bootId !== undefined && bootId !== undefined && started.bootId.toLowerCase() !== bootId.toLowerCase()) return false;
  const stat = processes.stat(started.pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X' && stat.state !== 'x' && stat.startTime === started.startTicks;
}
