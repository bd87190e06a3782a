import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { NetworkConfig } from '../../network/config/network-types.js';
import type { WatchdogConfig } from '../../config/types.js';
import { listInterfaces, type InterfaceEntry } from '../../network/link/list-interfaces.js';
import { locateInterface, renameHint } from '../../network/link/locate-interface.js';
import { EVENT_KINDS } from '../../notify/event-kinds.js';
import type { PingConfig } from '../../notify/config/notify-types.js';
import type { CliIo } from '../io.js';
import { loadCliConfig } from '../load-cli-config.js';
import { EXIT } from '../exit-codes.js';
import { formatCount } from '../../display/format-count.js';

/**
 * `watchdog validate`: OK, or every problem (thrown as a ConfigError, exit 78). Also warns
 * when the network interface (or no single interface with `interface_mac`) exists on this
 * machine: the config may be meant for another device, or name a USB adapter not plugged
 * in, but it is often a typo or a rename.
 */
export function runValidate(args: { config?: string | undefined }, io: CliIo): number {
  const { config, warnings } = loadCliConfig(args.config, io, true);
  for (const warning of warnings) io.err(`warning: ${warning}`);
  if (config.network !== undefined) {
    const missing = missingInterfaceWarning(config.network);
    if (missing !== undefined) io.err(`warning: ${missing}`);
  }
  io.out(
    `OK: ${config.config_path} (${formatCount(config.processes.length, 'process', 'processes')}${describeFilesystems(config.filesystems.length)}${describeNetwork(config.network)})`,
  );
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
  const { ping } = config;
  if (ping !== undefined) lines.push(...describePing(ping));
  return lines;
}

/** When each URL of the dead man's switch is requested: one line for `ping_url`, one per `ping` URL set. */
function describePing(ping: PingConfig): string[] {
  if (ping.success?.setting === 'ping_url')
    return ['ping_url: requested at the end of every tick, with /fail after a tick with a failure'];
  const when: [PingConfig['start'], string][] = [
    [ping.start, 'when a tick takes its lock, before its checks'],
    [ping.success, 'at the end of a tick without failure'],
    [ping.failure, 'at the end of a tick with a failure'],
  ];
  return when.flatMap(([target, moment]) => (target === undefined ? [] : [`${target.setting}: requested ${moment}`]));
}

function describeFilesystems(count: number): string {
  return count === 0 ? '' : `, ${formatCount(count, 'file system', 'file systems')}`;
}

function describeNetwork(network: NetworkConfig | undefined): string {
  if (network === undefined) return '';
  return `, network ${network.interface}: ${formatCount(network.ladder.length, 'rung')}, ${network.reboot === undefined ? 'never reboots' : 'may reboot, guarded'}`;
}

function missingInterfaceWarning(network: NetworkConfig): string | undefined {
  if (network.interface_mac !== undefined) return missingMacWarning(network);
  const folder = join(network.sysfs_root, 'class', 'net');
  if (existsSync(join(folder, network.interface))) return undefined;
  let present: string[] = [];
  try {
    present = readdirSync(folder).sort();
  } catch {
    // No sysfs there: say only what is missing.
  }
  const here = present.length === 0 ? '' : ` (this machine has: ${present.join(', ')})`;
  const hint = renameHint(network.interface, safeList(network.sysfs_root));
  return `network.interface: ${network.interface} does not exist on this machine${here}; until it does, the ladder does nothing${hint === undefined ? '' : `; ${hint}`}`;
}

function missingMacWarning(network: NetworkConfig): string | undefined {
  const interfaces = safeList(network.sysfs_root);
  const location = locateInterface(network, () => interfaces);
  if (location.kind === 'found') return undefined;
  if (location.kind === 'ambiguous') return `network.interface_mac: ${location.reason}`;
  const here =
    interfaces.length === 0
      ? ''
      : ` (this machine has: ${interfaces.map((entry) => `${entry.name} ${entry.mac ?? 'no MAC'}`).join(', ')})`;
  return `network.interface_mac: no interface on this machine has MAC ${network.interface_mac}${here}; until one does, the ladder does nothing`;
}

/** The interfaces, or none when sysfs cannot be read: a warning never stops `validate`. */
function safeList(sysfsRoot: string): InterfaceEntry[] {
  try {
    return listInterfaces(sysfsRoot);
  } catch {
    return [];
  }
}
