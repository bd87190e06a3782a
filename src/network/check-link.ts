import type { NetworkConfig } from '../config/network-types.js';
import { classifyLink, needsAliveProbes, type LinkVerdict } from './classify-link.js';
import type { NetworkSystem } from './network-system.js';

/**
 * One check of the uplink: carrier and address from the kernel, then the `alive` probes
 * when those are fine and probes are configured.
 */
export async function checkLink(
  network: Pick<NetworkConfig, 'interface' | 'require_ipv4' | 'allow_link_local' | 'alive'>,
  seenBefore: boolean,
  system: Pick<NetworkSystem, 'readLink' | 'runProbeSet'>,
): Promise<LinkVerdict> {
  const reading = system.readLink(network.interface);
  const options = { requireIpv4: network.require_ipv4, allowLinkLocal: network.allow_link_local, seenBefore: seenBefore || reading.carrier !== 'missing' };
  if (network.alive === undefined || !needsAliveProbes(reading, network.require_ipv4, network.allow_link_local)) return classifyLink(reading, options);
  return classifyLink(reading, { ...options, alive: await system.runProbeSet(network.alive) });
}
