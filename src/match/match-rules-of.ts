import type { UserAccount } from '../system/lookup-user.js';
import type { MatchRules } from './judge-matches.js';

/**
 * The match rules of an app checked by `match` alone; `undefined` with a heartbeat, where
 * `match` only checks the heartbeat's PID (its meaning before apps without heartbeats), or
 * without a `match`.
 */
export function matchRulesOf(process: {
  heartbeat_path: string | undefined;
  match: RegExp | undefined;
  user: UserAccount | undefined;
}): MatchRules | undefined {
  if (process.heartbeat_path !== undefined || process.match === undefined) return undefined;
  // validate refuses match alone without user: a config loaded without it is a bug.
  if (process.user === undefined) throw new Error('match alone without user: validate should have refused it');
  return { match: process.match, user: process.user };
}
