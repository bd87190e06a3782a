import { buildStatus } from '../../status/build-status.js';
import { readProcessStatesAt } from '../../store/read-state.js';
import { EXIT } from '../exit-codes.js';
import { renderTable } from '../../display/render-table.js';
import type { CliIo } from '../io.js';
import { loadCliConfig } from '../load-cli-config.js';

/** The commands that act on one process, named by its key. */
export type KeyedCommand = 'on' | 'off' | 'restart' | 'reset';

/**
 * `watchdog on` (`off`, `restart`, `reset`) with no key: a usage error (exit 2) that says
 * how to use it and lists the keys to choose from, each with its name and its state as of
 * its last check, on standard error, as an unknown key is told. Reads the audit log, changes
 * nothing.
 */
export function reportMissingKey(command: KeyedCommand, args: { config?: string | undefined }, io: CliIo): number {
  const { config } = loadCliConfig(args.config, io);
  io.err(`watchdog: ${command} needs a process key: watchdog ${command} KEY`);
  const [first] = config.processes;
  if (first === undefined) {
    io.err('hint: the config has no processes');
    return EXIT.usage;
  }
  const statuses = buildStatus(config, readProcessStatesAt(config.db_path));
  io.err('known keys:');
  // Names are the config's, states may quote nothing an app wrote; escaped all the same by renderTable.
  for (const line of renderTable(
    ['KEY', 'NAME', 'STATE'],
    statuses.map((status) => [status.key, status.display_name, status.state]),
  ))
    io.err(`  ${line}`);
  io.err(`hint: watchdog ${command} ${first.key}`);
  return EXIT.usage;
}
