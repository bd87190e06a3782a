import { describeError } from '../errors.js';
import { findMatches } from '../match/find-matches.js';
import { matchSelfOf } from '../match/match-self.js';
import { describePids, describeRules, type MatchRules } from '../match/judge-matches.js';
import type { System } from '../system/system.js';
import { formatSeconds } from '../time/format-duration.js';
import { formatUtcTimestamp } from '../time/format-utc-timestamp.js';
import { actionResult, type ActionResult } from './action-result.js';
import type { KillFacts, KillTarget } from './decide-kill.js';
import { decideMatchKill, recheckOf, type MatchKillDecision } from './decide-match-kill.js';
import type { KillPlan } from './kill-action.js';
import { killFactsNow } from './kill-facts.js';
import { AFTER_SIGKILL_WAIT_MS, isGone, send, waitUntilGone } from './signal-target.js';

/**
 * What the guards decide now for an app checked by `match` alone (also what `--dry-run`
 * shows): the table scanned again (what the check saw may be minutes old), every matching
 * process's facts read, then {@link decideMatchKill}.
 *
 * @throws when procfs cannot be read.
 */
export function decideMatchKillNow(rules: MatchRules, system: System): MatchKillDecision {
  const judgement = findMatches(rules, system.processes, matchSelfOf(system));
  const facts = new Map<number, KillFacts>();
  for (const entry of judgement.matches)
    facts.set(entry.pid, killFactsNow(entry.pid, { identity: recheckOf(entry.startTicks, rules) }, system));
  return decideMatchKill(judgement, rules, facts);
}

/**
 * The built-in `kill` of an app checked by `match` alone: SIGTERM (and SIGCONT) to every
 * matching process the guards let through, each checked again just before each signal
 * (same start time, command line still matching, still the `user`'s); SIGKILL after
 * `kill_timeout` to those left. Never a process group. Fails when a matching process is an
 * ancestor of the watchdog or init, or when a signalled one is still there after SIGKILL
 * (or can no longer be signalled): the start after it then does not run.
 */
export async function runMatchKillAction(plan: KillPlan, rules: MatchRules, system: System): Promise<ActionResult> {
  const base = { action: plan.action, startedAt: formatUtcTimestamp(system.now()) };
  const startedMs = system.monotonicMs();
  const elapsed = (): number => system.monotonicMs() - startedMs;
  let decision: MatchKillDecision;
  try {
    decision = decideMatchKillNow(rules, system);
  } catch (error) {
    return actionResult({
      ...base,
      outcome: 'failed',
      durationMs: elapsed(),
      detail: `cannot inspect the processes: ${describeError(error)}`,
    });
  }
  if (decision.kind === 'cannot_kill')
    return actionResult({ ...base, outcome: 'failed', durationMs: elapsed(), detail: decision.why });
  if (decision.kind !== 'signal_each')
    return actionResult({ ...base, outcome: decision.kind, durationMs: elapsed(), detail: decision.why });

  const { targets } = decision;
  const notes = decision.notSignalled.map((why) => `not signalled: ${why}`);
  const signalled: KillTarget[] = [];
  for (const target of targets) {
    const sent = send(system, target, 'SIGTERM');
    if (sent === undefined) signalled.push(target);
    else if (sent === 'gone') notes.push(`PID ${target.pid} exited before it was signalled`);
    // No longer what matched (its command line or user changed): not the app any more, never signalled.
    else notes.push(`PID ${target.pid}: ${sent}`);
  }
  for (const target of signalled) send(system, target, 'SIGCONT');

  const who = `SIGTERM to ${describePids(signalled.map((target) => target.pid))} matching ${describeRules(rules)}`;
  const result = (outcome: 'ok' | 'failed', signal: string, what: string): ActionResult =>
    actionResult({
      ...base,
      outcome,
      durationMs: elapsed(),
      pid: signalled[0]?.pid,
      signal,
      detail: [`${who}: ${what}`, ...notes].join('; '),
    });
  if (signalled.length === 0)
    return actionResult({ ...base, outcome: 'nothing_to_kill', durationMs: elapsed(), detail: notes.join('; ') });

  // Asked to stop, the watchdog does not wait out kill_timeout: the kill is finished with SIGKILL now.
  if (await waitUntilGone(system, signalled, plan.timeoutSeconds * 1000, true))
    return result(
      'ok',
      'SIGTERM',
      `${signalled.length === 1 ? '' : 'all '}exited ${formatSeconds(elapsed() / 1000)} after SIGTERM`,
    );

  const left = signalled.filter((target) => !isGone(system, target));
  const problems: string[] = [];
  const killed: KillTarget[] = [];
  for (const target of left) {
    const sent = send(system, target, 'SIGKILL');
    if (sent === undefined) killed.push(target);
    // Signalled once, alive, and now refused (its command line changed): the kill fails rather than start a copy beside it.
    else if (sent !== 'gone') problems.push(`PID ${target.pid}: ${sent}`);
  }
  const why =
    system.signal?.aborted === true
      ? `the watchdog was asked to stop (${String(system.signal.reason)})`
      : `${formatSeconds(plan.timeoutSeconds)} after SIGTERM (kill_timeout)`;
  const killedText =
    killed.length === 0 ? '' : `${describePids(killed.map((target) => target.pid))} still running ${why}: SIGKILL`;
  if (!(await waitUntilGone(system, killed, AFTER_SIGKILL_WAIT_MS))) {
    const stuck = killed.filter((target) => !isGone(system, target)).map((target) => target.pid);
    problems.push(
      `${describePids(stuck)} still running ${formatSeconds(AFTER_SIGKILL_WAIT_MS / 1000)} after SIGKILL (stuck in the kernel?)`,
    );
  }
  const what = [killedText, ...problems].filter((text) => text !== '').join('; ');
  return result(problems.length === 0 ? 'ok' : 'failed', killed.length === 0 ? 'SIGTERM' : 'SIGKILL', what);
}
