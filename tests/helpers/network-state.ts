import type { NetworkStateRow } from '../../src/network/store/read-network-state.js';

/**
 * The stored state of a link that has been failing for a while, as the status tests read
 * it: eth0 without carrier since 11:56 on 2026-06-30, 4 failed checks, the last check at
 * 11:59, one failed ladder run (#12 at 11:57), last healed by the `bounce` rung. The
 * expected output of the network status and format tests is written against these values.
 *
 * @example buildNetworkStatus(network, { ...failingLinkState(), last_state: 'check_error' }, [], now)
 */
export function failingLinkState(): NetworkStateRow {
  return {
    interface: 'eth0',
    last_check_at: '2026-06-30T11:59:00.000000+00:00',
    last_state: 'no_carrier',
    last_reason: 'no carrier on eth0 (cable, switch port or the far end is down)',
    consecutive_failures: 4,
    failing_since: '2026-06-30T11:56:00.000000+00:00',
    seen_at: '2026-06-30T11:59:00.000000+00:00',
    failed_ladder_runs: 1,
    last_ladder_at: '2026-06-30T11:57:00.000000+00:00',
    last_ladder_id: 12,
    last_ladder_outcome: 'failed',
    last_healed_by: 'bounce',
  };
}
