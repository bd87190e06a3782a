import { escapeUntrustedLine } from '../../display/escape-untrusted.js';
import type { NetworkConfig, RungConfig } from '../config/network-types.js';
import type { NetworkPreview } from '../preview-network.js';
import { formatSeconds } from '../../time/format-duration.js';
import { formatCount } from '../../display/format-count.js';

/**
 * `check --dry-run`'s network part: the link, the ladder it would climb, and which reboot
 * guard would decide; each line escaped to one line ({@link escapeUntrustedLine}), as the
 * link's reason can carry the system's words.
 */
export function formatNetworkPreview(network: NetworkConfig, preview: NetworkPreview): string[] {
  const { verdict, decision } = preview;
  const head = `network ${network.interface}: ${verdict.state}: ${verdict.reason}`;
  const lines: string[] = [];
  switch (decision.kind) {
    case 'healthy':
      lines.push(`${head} → nothing to do`);
      break;
    case 'not_judged':
      lines.push(`${head} → nothing to do: the link could not be judged, the count stays as it is`);
      break;
    case 'wait':
      lines.push(`${head} → no ladder now: ${decision.reason}`);
      break;
    case 'run':
      lines.push(
        `${head} → would climb the ladder (${decision.reason}), within ${formatSeconds(network.ladder_timeout_seconds)} in all:`,
      );
      // Named by MAC, a bounce acts on the interface that has it now (or on none).
      network.ladder.forEach((rung, index) =>
        lines.push(
          `  ${index + 1}. ${describeRung(network.interface_mac === undefined ? network.interface : verdict.device, rung)}`,
        ),
      );
      if (network.ladder.length === 0) lines.push('  (no rungs)');
      break;
  }
  const runs = `${formatCount(preview.failedLadderRunsIfNoRungHeals, 'consecutive failed run')}, a reboot is considered from ${network.max_failures}`;
  const reboot = preview.rebootIfNoRungHeals;
  const what =
    reboot.kind === 'hold'
      ? `no reboot, held by ${reboot.guard}: ${reboot.reason}`
      : `would reboot with \`${network.reboot?.command ?? '?'}\`: ${reboot.kind === 'reboot' ? reboot.reason : ''}`;
  lines.push(`  if no rung healed the link (${runs}): ${what}`);
  return lines.map(escapeUntrustedLine);
}

function describeRung(name: string | undefined, rung: RungConfig): string {
  const then = `then wait ${formatSeconds(rung.settle_seconds)} and check again`;
  if (rung.type === 'bounce' && name === undefined)
    return `${rung.name}: nothing to bounce (no single interface has the MAC in network.interface_mac); ${then}`;
  if (rung.type === 'bounce') {
    return `${rung.name}: \`ip link set dev ${name} down\`, wait ${formatSeconds(rung.down_seconds)}, \`ip link set dev ${name} up\`; ${then}`;
  }
  if (rung.type === 'wol') {
    return `${rung.name}: send a Wake-on-LAN magic packet for ${rung.target.mac} to ${rung.target.broadcast}:${rung.target.port}; ${then}`;
  }
  return `${rung.name}: \`${rung.command}\` (at most ${formatSeconds(rung.timeout_seconds)}); ${then}`;
}
