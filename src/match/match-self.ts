import type { System } from '../system/system.js';
import type { MatchSelf } from './judge-matches.js';

/** Who this run of the watchdog is, as {@link judgeMatches} needs it: read from `system` now. */
export function matchSelfOf(
  system: Pick<System, 'ownPid' | 'ancestors' | 'ownArguments' | 'isWatchdogRun'>,
): MatchSelf {
  return {
    ownPid: system.ownPid,
    ancestors: system.ancestors(),
    ownArguments: system.ownArguments,
    isWatchdogRun: (pid) => system.isWatchdogRun(pid),
  };
}
