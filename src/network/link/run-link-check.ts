import type { Logger } from '../../logging/logger.js';
import type { WatchdogEvent } from '../../notify/watchdog-event.js';
import type { AuditWriter } from '../../store/audit-writer.js';
import { linkCheckWorthWriting } from './link-check-worth-writing.js';
import { formatUtcTimestamp } from '../../time/format-utc-timestamp.js';
import { formatCount } from '../../display/format-count.js';
import type { NetworkConfig } from '../config/network-types.js';
import { checkLink } from './check-link.js';
import { isLinkFailure, type LinkVerdict } from './classify-link.js';
import { decideAfterCheck, type LadderDecision } from '../ladder/decide-ladder.js';
import type { NetworkSystem } from '../network-system.js';
import { readNetworkState, type NetworkStateRow } from '../store/read-network-state.js';
import { recordNetworkCheck } from '../store/record-network-state.js';
import type { NetworkEventInput } from '../store/record-network-event.js';

export interface LinkCheckDeps {
  audit: AuditWriter;
  system: NetworkSystem;
  logger: Logger;
  /** Writes a `network_events` row of the interface; returns its id. */
  record: (event: Omit<NetworkEventInput, 'interface'>) => number;
  /** Tells the notify channels (the event's time and interface are filled in). */
  tell: (event: Omit<WatchdogEvent, 'at' | 'interface'>) => void;
}

/** One check of the uplink, and what the ladder makes of it. */
export interface LinkCheck {
  /** The interface's state before this check. */
  before: NetworkStateRow;
  verdict: LinkVerdict;
  consecutiveFailures: number;
  decision: LadderDecision;
}

/**
 * Checks the uplink and keeps the check: a change of state is an event, an outage that
 * reaches the threshold (or ends) is told, and `network_state` takes the new count.
 */
export async function runLinkCheck(network: NetworkConfig, deps: LinkCheckDeps): Promise<LinkCheck> {
  const { audit, system, logger, record, tell } = deps;
  const name = network.interface;
  const threshold = network.consecutive_failures_threshold;
  const before = readNetworkState(audit.db, name);
  const verdict = await checkLink(network, before.seen_at !== null, system);
  const checkedAt = formatUtcTimestamp(system.now());
  const { consecutiveFailures, decision } = decideAfterCheck(network, before, verdict.state, system.now().getTime());
  recordChange(before, verdict, record);
  // Told once an outage is real (the ladder's threshold), and when it ends: a blip below it is no news.
  if (consecutiveFailures >= threshold && before.consecutive_failures < threshold) {
    tell({
      kind: 'network_degraded',
      summary: `network ${name} ${verdict.state}: ${verdict.reason}`,
      details: {
        state: verdict.state,
        reason: verdict.reason,
        consecutive_failures: consecutiveFailures,
        ladder: network.ladder.map((rung) => rung.name).join(' → ') || null,
      },
    });
  }
  if (verdict.state === 'up' && before.consecutive_failures >= threshold) {
    tell({
      kind: 'network_healed',
      summary: `network ${name} up again by itself: ${verdict.reason}`,
      details: { rung: null, reason: verdict.reason, failed_checks: before.consecutive_failures },
    });
  }
  const check = {
    checkedAt,
    state: verdict.state,
    reason: verdict.reason,
    consecutiveFailures,
    failingSince: isLinkFailure(verdict.state)
      ? (before.failing_since ?? checkedAt)
      : verdict.state === 'up'
        ? null
        : before.failing_since,
    seenAt:
      verdict.state === 'missing' || (verdict.state === 'check_error' && before.seen_at === null)
        ? before.seen_at
        : checkedAt,
    resetLadderFailures: verdict.state === 'up',
  };
  // A link that stays as it was writes nothing to the card (linkCheckWorthWriting).
  if (linkCheckWorthWriting(before, check)) audit.write((db) => recordNetworkCheck(db, name, check));
  logVerdict(logger, verdict, consecutiveFailures, network.consecutive_failures_threshold);
  return { before, verdict, consecutiveFailures, decision };
}

/** A change of the link's state is an event: a failure detected, the link back, or no longer judged. */
function recordChange(
  before: NetworkStateRow,
  verdict: LinkVerdict,
  record: (event: Omit<NetworkEventInput, 'interface'>) => number,
): void {
  if (verdict.state === before.last_state) return;
  if (verdict.state === 'up') {
    // The first check ever of a healthy link is no news.
    if (before.last_state === null) return;
    const after =
      before.consecutive_failures > 0 ? ` after ${formatCount(before.consecutive_failures, 'failed check')}` : '';
    record({ kind: 'link_up', outcome: 'up', detail: `back by itself${after}: ${verdict.reason}` });
  } else if (verdict.state === 'check_error') {
    record({ kind: 'check_error', outcome: verdict.state, detail: verdict.reason });
  } else {
    record({ kind: 'link_down', outcome: verdict.state, detail: verdict.reason });
  }
}

function logVerdict(logger: Logger, verdict: LinkVerdict, failures: number, threshold: number): void {
  const line = `network ${verdict.state}: ${verdict.reason}`;
  if (verdict.state === 'up') logger.debug(line);
  else if (verdict.state === 'check_error') logger.error(line);
  else logger.warn(`${line} (${failures} of ${threshold} consecutive failures)`);
}
