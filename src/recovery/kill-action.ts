import { describeError } from '../errors.js';
import type { System } from '../system/system.js';
import { formatSeconds } from '../time/format-duration.js';
import { formatUtcTimestamp } from '../time/format-utc-timestamp.js';
import { actionResult, type ActionResult } from './action-result.js';
import { decideKill, type KillDecision } from './decide-kill.js';
import { killFactsNow } from './kill-facts.js';
import type { ActionPlan } from './plan-recovery.js';
import { AFTER_SIGKILL_WAIT_MS, send, waitUntilGone } from './signal-target.js';

export { AFTER_SIGKILL_WAIT_MS, KILL_POLL_MS } from './signal-target.js';

export type KillPlan = Extract<ActionPlan, { kind: 'kill' }>;

/** What the guards decide for the plan's PID right now (also what `--dry-run` shows). */
export function decideKillNow(plan: KillPlan, system: System): KillDecision {
  const { candidate } = plan;
  if (candidate.pid === undefined)
    return { kind: candidate.refused ? 'refused' : 'nothing_to_kill', why: candidate.why };
  return decideKill(candidate.pid, killFactsNow(candidate.pid, candidate, system));
}

/**
 * The built-in `kill`: SIGTERM (and SIGCONT, so a stopped app can act on it) to the app,
 * or to the process group it leads; SIGKILL after `kill_timeout`. Fails only when the
 * app could not be signalled or is still there after SIGKILL.
 */
export async function runKillAction(plan: KillPlan, system: System): Promise<ActionResult> {
  const base = { action: plan.action, startedAt: formatUtcTimestamp(system.now()) };
  // Measured on the monotonic clock: a clock step during kill_timeout must neither cut it short
  // (SIGKILL at once) nor stretch it for hours.
  const startedMs = system.monotonicMs();
  const elapsed = (): number => system.monotonicMs() - startedMs;

  let decision: KillDecision;
  try {
    decision = decideKillNow(plan, system);
  } catch (error) {
    // procfs unreadable or unparsable: the app cannot be identified, so it is not signalled,
    // and the kill fails with the reason (nothing is swallowed: it is the action's detail).
    return actionResult({
      ...base,
      outcome: 'failed',
      durationMs: elapsed(),
      detail: `cannot inspect the process: ${describeError(error)}`,
    });
  }
  if (decision.kind === 'cannot_kill')
    return actionResult({ ...base, outcome: 'failed', durationMs: elapsed(), detail: decision.why });
  if (decision.kind !== 'signal')
    return actionResult({ ...base, outcome: decision.kind, durationMs: elapsed(), detail: decision.why });

  const { target } = decision;
  const who = target.group ? `process group ${target.pid}` : `PID ${target.pid}`;
  const done = (outcome: 'ok' | 'failed', signal: string, detail: string): ActionResult =>
    actionResult({ ...base, outcome, durationMs: elapsed(), pid: target.pid, signal, detail: `${who}: ${detail}` });

  const sent = send(system, target, 'SIGTERM');
  if (sent !== undefined)
    return sent === 'gone' ? done('ok', 'SIGTERM', 'exited before it was signalled') : done('failed', 'SIGTERM', sent);
  send(system, target, 'SIGCONT');
  // Asked to stop, the watchdog does not wait out kill_timeout: the kill is finished with SIGKILL now.
  if (await waitUntilGone(system, [target], plan.timeoutSeconds * 1000, true)) {
    return done('ok', 'SIGTERM', `exited ${formatSeconds(elapsed() / 1000)} after SIGTERM`);
  }

  const killed = send(system, target, 'SIGKILL');
  // Gone just as kill_timeout ended: no SIGKILL was sent.
  if (killed === 'gone') return done('ok', 'SIGTERM', `exited ${formatSeconds(elapsed() / 1000)} after SIGTERM`);
  if (killed !== undefined) return done('failed', 'SIGKILL', killed);
  const stopping = system.signal?.aborted === true ? String(system.signal.reason) : undefined;
  if (await waitUntilGone(system, [target], AFTER_SIGKILL_WAIT_MS)) {
    if (stopping !== undefined)
      return done(
        'ok',
        'SIGKILL',
        `still running when the watchdog was asked to stop (${stopping}); killed with SIGKILL`,
      );
    return done(
      'ok',
      'SIGKILL',
      `still running ${formatSeconds(plan.timeoutSeconds)} after SIGTERM (kill_timeout); killed with SIGKILL`,
    );
  }
  return done(
    'failed',
    'SIGKILL',
    `still running ${formatSeconds(AFTER_SIGKILL_WAIT_MS / 1000)} after SIGKILL (stuck in the kernel?)`,
  );
}
