import type { NetworkConfig } from './config/network-types.js';
import type { NetworkEventRow } from './store/read-network-events.js';
import type { NetworkStateRow } from './store/read-network-state.js';
import { checkLink } from './link/check-link.js';
import type { LinkVerdict } from './link/classify-link.js';
import { decideAfterCheck, type LadderDecision } from './ladder/decide-ladder.js';
import type { RebootDecision } from './reboot/decide-reboot.js';
import type { NetworkSystem } from './network-system.js';
import { gatherRebootFacts } from './reboot/gather-reboot-facts.js';
import { runRebootGuards } from './reboot/run-reboot-guards.js';

/** What the network part of the next tick would do, found without doing any of it. */
export interface NetworkPreview {
  verdict: LinkVerdict;
  consecutiveFailures: number;
  decision: LadderDecision;
  /** Failed ladder runs there would be if this (or a next) run healed nothing. */
  failedLadderRunsIfNoRungHeals: number;
  /** What the guards would decide then, and which one decides. */
  rebootIfNoRungHeals: RebootDecision;
}

/**
 * Checks the link and asks the ladder and the reboot guards what they would decide, as if
 * no rung healed the link. Reads sysfs and configfs and runs the probes (reads of the
 * network); sets no link, runs no command, writes nothing.
 */
export async function previewNetwork(
  network: NetworkConfig,
  state: NetworkStateRow,
  pastReboots: readonly NetworkEventRow[],
  system: Pick<
    NetworkSystem,
    | 'readLink'
    | 'listInterfaces'
    | 'ipv6Of'
    | 'runProbeSet'
    | 'fileExists'
    | 'findMassStorage'
    | 'now'
    | 'bootId'
    | 'uptimeSeconds'
  >,
): Promise<NetworkPreview> {
  const verdict = await checkLink(network, state.seen_at !== null, system);
  const nowMs = system.now().getTime();
  const { consecutiveFailures, decision } = decideAfterCheck(network, state, verdict.state, nowMs);
  // A healthy link starts the count again, so a first failed run would be the first.
  const failedLadderRunsIfNoRungHeals = (verdict.state === 'up' ? 0 : state.failed_ladder_runs) + 1;
  const now = { atMs: nowMs, bootId: system.bootId(), uptimeSeconds: system.uptimeSeconds() };
  const facts = gatherRebootFacts(network, failedLadderRunsIfNoRungHeals, pastReboots, now, system);
  const { decision: rebootIfNoRungHeals } = await runRebootGuards(facts, network, system);
  return { verdict, consecutiveFailures, decision, failedLadderRunsIfNoRungHeals, rebootIfNoRungHeals };
}
