import type { ExpectedIdentity } from '../heartbeat/check-identity.js';
import { describeRules, type MatchJudgement, type MatchRules } from '../match/judge-matches.js';
import { decideKill, type KillDecision, type KillFacts, type KillTarget } from './decide-kill.js';

/**
 * What `kill` does for an app checked by `match` alone: signal each of `targets` (never a
 * process group), or, as for one PID, nothing (`nothing_to_kill`, `refused`) or fail
 * (`cannot_kill`). `notSignalled` says which matching processes the guards refused, and why.
 */
export type MatchKillDecision =
  { kind: 'signal_each'; targets: KillTarget[]; notSignalled: string[] } | Exclude<KillDecision, { kind: 'signal' }>;

/**
 * The kill guards for every process a match found (docs/design.md, "Kill guards"): each
 * matching process asked of {@link decideKill}, as the one PID of a heartbeat is, with the
 * start time the scan read as the instance it must still be, and its command line and user
 * checked again (`facts` of each PID, read just after the scan). A matching ancestor of the
 * watchdog, or init, fails the whole kill before anything is signalled (`cannot_kill`): it
 * may be the app running `watchdog restart` on itself, and the start after a failed kill
 * does not run, so no second copy comes up beside it. Never a process group: a group may
 * hold processes that do not match. Pure.
 */
export function decideMatchKill(
  judgement: Pick<MatchJudgement, 'matches' | 'ancestors'>,
  rules: MatchRules,
  facts: ReadonlyMap<number, KillFacts>,
): MatchKillDecision {
  const ancestor = judgement.ancestors[0];
  if (ancestor !== undefined) {
    const who = ancestor.pid <= 1 ? `PID ${ancestor.pid} (init)` : `PID ${ancestor.pid}, an ancestor of the watchdog,`;
    return {
      kind: 'cannot_kill',
      why: `${who} matches ${describeRules(rules)}: it is never signalled, and no copy is started beside what may be the app (the app itself running watchdog?)`,
    };
  }
  const targets: KillTarget[] = [];
  const notSignalled: string[] = [];
  for (const entry of judgement.matches) {
    const known = facts.get(entry.pid);
    const decision: KillDecision =
      known === undefined
        ? { kind: 'nothing_to_kill', why: `PID ${entry.pid} exited before it was signalled` }
        : decideKill(entry.pid, { ...known, expectedStartTicks: entry.startTicks });
    switch (decision.kind) {
      case 'cannot_kill':
        return decision;
      case 'signal':
        targets.push({ ...decision.target, group: false, recheck: recheckOf(entry.startTicks, rules) });
        break;
      default:
        notSignalled.push(decision.why);
    }
  }
  if (targets.length > 0) return { kind: 'signal_each', targets, notSignalled };
  const none = `no process matches ${describeRules(rules)}`;
  if (notSignalled.length === 0) return { kind: 'nothing_to_kill', why: none };
  return { kind: 'nothing_to_kill', why: `${none} that may be signalled: ${notSignalled.join('; ')}` };
}

/** What a matching process must still be just before each signal: the same start time, command line and user. */
export function recheckOf(startTicks: number, rules: MatchRules): ExpectedIdentity {
  return { startTicks, match: rules.match, user: rules.user };
}
