import type { NetworkConfig } from '../config/network-types.js';
import type { NetworkSystem } from '../network-system.js';
import { decideReboot, type RebootDecision, type RebootFacts } from './decide-reboot.js';

/** Asks the guards, running the veto probes only when the decision comes down to them. */
export async function runRebootGuards(
  facts: RebootFacts,
  network: NetworkConfig,
  system: Pick<NetworkSystem, 'runProbeSet'>,
): Promise<{ decision: RebootDecision; facts: RebootFacts }> {
  const decision = decideReboot(facts);
  const veto = network.reboot?.veto_if_reachable;
  if (decision.kind !== 'probe' || veto === undefined) return { decision, facts };
  const probed = { ...facts, reachability: await system.runProbeSet(veto) };
  return { decision: decideReboot(probed), facts: probed };
}
