import type { NetworkStateRow } from '../store/read-network-state.js';
import type { NetworkCheckRecord } from '../store/record-network-state.js';

/**
 * Whether a check of the link is worth a write to the card (docs/storage-writes.md): its
 * state, failure count or the time its failures began changed, the interface was seen for
 * the first time or lost, a failed ladder run is to be forgotten, or its reason changed (an
 * address, how the interface was found). A link that stays up as it was writes nothing;
 * `status` shows the uplink's row as last written, with its time.
 */
export function linkCheckWorthWriting(before: NetworkStateRow, check: NetworkCheckRecord): boolean {
  return (
    before.last_check_at === null ||
    before.last_state !== check.state ||
    before.consecutive_failures !== check.consecutiveFailures ||
    before.failing_since !== check.failingSince ||
    (before.seen_at === null) !== (check.seenAt === null) ||
    (check.resetLadderFailures && before.failed_ladder_runs !== 0) ||
    before.last_reason !== check.reason
  );
}
