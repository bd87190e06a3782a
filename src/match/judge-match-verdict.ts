import { verdict, type HealthVerdict } from '../heartbeat/classify-heartbeat.js';
import type { IdentityCheck } from '../heartbeat/check-identity.js';
import { describePids, describeRules, type MatchJudgement, type MatchRules } from './judge-matches.js';

/**
 * The health of an app checked by `match` alone, from what matched: `healthy` naming the
 * matching PIDs (oldest first; the verdict's `pid` is the oldest), else `not_running`, a
 * failure, saying what matched but did not count. Pure.
 */
export function judgeMatchVerdict(judgement: MatchJudgement, rules: MatchRules): HealthVerdict {
  const { matches } = judgement;
  const identity: IdentityCheck[] = ['command_line', 'user'];
  const oldest = matches[0];
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
