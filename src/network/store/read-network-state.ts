import type { Store } from '../../store/open-store.js';

/** A `network_state` row: where the uplink stood after its last check and ladder run. */
export interface NetworkStateRow {
  interface: string;
  last_check_at: string | null;
  last_state: string | null;
  last_reason: string | null;
  consecutive_failures: number;
  /** When the current run of failures began. */
  failing_since: string | null;
  /** The last time the interface existed. */
  seen_at: string | null;
  /** Consecutive ladder runs that did not heal the link. */
  failed_ladder_runs: number;
  last_ladder_at: string | null;
  /** The `ladder_start` event of the last run. */
  last_ladder_id: number | null;
  /** `healed`, `failed` or `timed_out`. */
  last_ladder_outcome: string | null;
  /** The rung after which the last healed run found the link healthy. */
  last_healed_by: string | null;
}

/** The interface's state; all empty when it was never checked. */
export function readNetworkState(db: Store, name: string): NetworkStateRow {
  return (
    db.prepare<[string], NetworkStateRow>('SELECT * FROM network_state WHERE interface = ?').get(name) ??
    emptyNetworkState(name)
  );
}

/** The state of an interface never checked. */
export function emptyNetworkState(name: string): NetworkStateRow {
  return {
    interface: name,
    last_check_at: null,
    last_state: null,
    last_reason: null,
    consecutive_failures: 0,
    failing_since: null,
    seen_at: null,
    failed_ladder_runs: 0,
    last_ladder_at: null,
    last_ladder_id: null,
    last_ladder_outcome: null,
    last_healed_by: null,
  };
}
