import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { NetworkConfig } from '../../config/network-types.js';
import type { WatchdogConfig } from '../../config/types.js';
import { EVENT_KINDS } from '../../notify/event-kinds.js';
import type { CliIo } from '../io.js';
import { loadCliConfig } from '../load-cli-config.js';
import { EXIT } from '../exit-codes.js';

/**
 * `watchdog validate`: OK, or every problem (thrown as a ConfigError, exit 78). Also warns
 * when the network interface does not exist on this machine: the config may be meant for
 * another device, or name a USB adapter not plugged in, but it is often a typo.
 */
export function runValidate(args: { config?: string | undefined }, io: CliIo): number {
  const { config, warnings } = loadCliConfig(args.config, io, true);
  for (const warning of warnings) io.err(`warning: ${warning}`);
  if (config.network !== undefined) {
    const missing = missingInterfaceWarning(config.network);
    if (missing !== undefined) io.err(`warning: ${missing}`);
  }
  io.out(`OK: ${config.config_path} (${config.processes.length} processes${describeNetwork(config.network)})`);
  for (const line of describeReporting(config)) io.out(line);
  return EXIT.ok;
}

/** Where the watchdog tells what happened: one line per channel, the metrics file, the ping. */
function describeReporting(config: WatchdogConfig): string[] {
  const lines = (config.notify?.channels ?? []).map((channel) => {
    const events = channel.events.size === EVENT_KINDS.length ? 'all events' : [...channel.events].join(', ');
    return `notify ${channel.name}: ${channel.type}, ${events}`;
  });
  if (config.metrics !== undefined) lines.push(`metrics: ${config.metrics.textfile_path}`);
  if (config.ping !== undefined) lines.push('ping_url: requested after every tick');
  return lines;
}

function describeNetwork(network: NetworkConfig | undefined): string {
  if (network === undefined) return '';
  return `, network ${network.interface}: ${network.ladder.length} rung(s), ${network.reboot === undefined ? 'never reboots' : 'may reboot, guarded'}`;
}

function missingInterfaceWarning(network: NetworkConfig): string | undefined {
  const folder = join(network.sysfs_root, 'class', 'net');
  if (existsSync(join(folder, network.interface))) return undefined;
  let present: string[] = [];
  try {
    present = readdirSync(folder).sort();
  } catch {
    // No sysfs there: say only what is missing.
  }
  const here = present.length === 0 ? '' : ` (this machine has: ${present.join(', ')})`;
  return `network.interface: ${network.interface} does not exist on this machine${here}; until it does, the ladder does nothing`;
}
