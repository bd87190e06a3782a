import { buildStatus } from '../../status/build-status.js';
import { readFrom, readLastRecoveries, readProcessStates } from '../../store/read-state.js';
import { EXIT } from '../exit-codes.js';
import { formatStatusTable } from '../format/format-status.js';
import type { CliIo } from '../io.js';
import { loadCliConfig, requireProcessKey } from '../load-cli-config.js';

export interface StatusArgs {
  config?: string | undefined;
  key?: string | undefined;
  json?: boolean | undefined;
}

/** `watchdog status [key] [--json]`: each process's state as of its last check, its last recovery, and where its output goes. */
export function runStatus(args: StatusArgs, io: CliIo, now: () => Date = () => new Date()): number {
  const { config } = loadCliConfig(args.config, io);
  if (args.key !== undefined) requireProcessKey(config, args.key);

  const { states, lastRecoveries } = readFrom(
    config.db_path,
    (db) => ({ states: readProcessStates(db), lastRecoveries: readLastRecoveries(db) }),
    () => ({ states: new Map(), lastRecoveries: new Map() }),
  );
  const statuses = buildStatus(config, states, lastRecoveries).filter((status) => args.key === undefined || status.key === args.key);
  if (args.json === true) {
    io.out(JSON.stringify({ processes: statuses }, null, 2));
    return EXIT.ok;
  }
  const enabled = statuses.filter((status) => status.enabled);
  const healthy = enabled.filter((status) => status.state === 'healthy').length;
  io.out(`${config.config_path}: ${enabled.length} enabled, ${healthy} healthy, ${enabled.length - healthy} not healthy`);
  for (const line of formatStatusTable(statuses, now().getTime())) io.out(line);
  return EXIT.ok;
}
