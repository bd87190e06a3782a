import type { CliIo } from '../io.js';
import { loadCliConfig } from '../load-cli-config.js';
import { EXIT } from '../exit-codes.js';

/** `watchdog validate`: OK, or every problem (thrown as a ConfigError, exit 78). */
export function runValidate(args: { config?: string | undefined }, io: CliIo): number {
  const { config, warnings } = loadCliConfig(args.config, io);
  for (const warning of warnings) io.err(`warning: ${warning}`);
  const network = config.network === undefined ? '' : `, network ${config.network.interface}: ${config.network.ladder.length} rung(s), ${config.network.reboot === undefined ? 'never reboots' : 'reboot guarded'}`;
  io.out(`OK: ${config.config_path} (${config.processes.length} processes${network})`);
  return EXIT.ok;
}
