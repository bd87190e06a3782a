import type { NetworkConfig } from '../config/network-types.js';
import type { NetworkSystem } from '../network-system.js';
import type { NetworkEventRow } from '../store/read-network-events.js';
import { isSuppressedReboot, type RebootDecision } from './decide-reboot.js';
import { gatherRebootFacts } from './gather-reboot-facts.js';
import { runReboot, type RebootEffects, type RebootReport } from './run-reboot.js';
import { runRebootGuards } from './run-reboot-guards.js';

/** What a failed ladder run led to: the guards' decision, and the reboot if they let it through. */
export interface RebootStep {
  decision: RebootDecision;
  reboot?: RebootReport;
}

/**
 * After a failed ladder run: gathers the facts, asks the guards in order (decide-reboot.ts),
 * and either records the guard that holds the reboot back or runs the reboot. The veto
 * probes run only when every other guard lets the reboot through.
 */
export async function considerReboot(
  network: NetworkConfig,
  failed: { failedLadderRuns: number; ladderId: number; pastReboots: readonly NetworkEventRow[] },
  system: Pick<NetworkSystem, 'fileExists' | 'findMassStorage' | 'runProbeSet' | 'now' | 'bootId' | 'uptimeSeconds'>,
  effects: RebootEffects,
): Promise<RebootStep> {
  const name = network.interface;
  const { failedLadderRuns, ladderId } = failed;
  const now = { atMs: system.now().getTime(), bootId: system.bootId(), uptimeSeconds: system.uptimeSeconds() };
  const facts = gatherRebootFacts(network, failedLadderRuns, failed.pastReboots, now, system);
  const { decision } = await runRebootGuards(facts, network, system);
  if (decision.kind === 'reboot' && network.reboot !== undefined) {
    const request = { interface: name, reason: decision.reason, failedLadderRuns, ladderId, reboot: network.reboot };
    return { decision, reboot: await runReboot(request, effects) };
  }
  if (decision.kind === 'hold') {
    effects.record({ kind: 'reboot_held', ladderId, rung: decision.guard, outcome: 'held', detail: decision.reason });
    effects.logger.warn(`network ${name}: no reboot, held by ${decision.guard}: ${decision.reason}`);
    if (isSuppressedReboot(decision.guard))
      effects.tell({
        kind: 'reboot_suppressed',
        summary: `network ${name}: reboot held by ${decision.guard}: ${decision.reason}`,
        details: { guard: decision.guard, reason: decision.reason, failed_ladder_runs: failedLadderRuns },
      });
  }
  return { decision };
}
