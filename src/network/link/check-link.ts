import type { NetworkConfig } from '../config/network-types.js';
import { classifyLink, needsAliveProbes, type LinkVerdict } from './classify-link.js';
import type { InterfaceEntry } from './list-interfaces.js';
import { locateInterface, renameHint } from './locate-interface.js';
import type { NetworkSystem } from '../network-system.js';
import type { LinkReading } from './read-link.js';

/**
 * One check of the uplink: find it (by MAC when `interface_mac` is set), carrier and
 * address from the kernel, then the `alive` probes when those are fine and probes are
 * configured. A missing interface gets a hint when another of its kind looks like it renamed.
 */
export async function checkLink(
  network: Pick<
    NetworkConfig,
    'interface' | 'interface_mac' | 'require_ipv4' | 'allow_link_local' | 'require_ipv6' | 'alive'
  >,
  seenBefore: boolean,
  system: Pick<NetworkSystem, 'readLink' | 'runProbeSet' | 'listInterfaces' | 'ipv6Of'>,
): Promise<LinkVerdict> {
  let listed: InterfaceEntry[] | undefined;
  const interfaces = (): InterfaceEntry[] => (listed ??= system.listInterfaces());
  const location = locateInterface(network, interfaces);
  if (location.kind === 'ambiguous')
    return { state: 'check_error', reason: location.reason, ipv4: [], device: undefined };
  let reading: LinkReading =
    location.kind === 'found'
      ? system.readLink(location.device)
      : { interface: network.interface, carrier: 'missing', ipv4: [] };
  // Read only when asked for: a healthy tick without require_ipv6 opens no more files than before.
  if (network.require_ipv6 && reading.carrier === 'up')
    reading = { ...reading, ipv6: system.ipv6Of(reading.interface) };
  const device = location.kind === 'found' ? location.device : undefined;
  const note =
    location.kind === 'found'
      ? (location.note ?? (reading.carrier === 'missing' ? renameHint(network.interface, interfaces()) : undefined))
      : undefined;
  const options = {
    requireIpv4: network.require_ipv4,
    allowLinkLocal: network.allow_link_local,
    requireIpv6: network.require_ipv6,
    seenBefore: seenBefore || reading.carrier !== 'missing',
    note,
    ...(location.kind === 'missing' ? { lookup: { subject: location.subject, setting: location.setting } } : {}),
  };
  const alive =
    network.alive === undefined || !needsAliveProbes(reading, network.require_ipv4, options)
      ? undefined
      : await system.runProbeSet(network.alive);
  return { ...classifyLink(reading, alive === undefined ? options : { ...options, alive }), device };
}
