import { readAuditEvents } from '../../store/audit-events.js';
import { readNetworkEvents } from '../../network/store/read-network-events.js';
import { formatAuditEvents } from '../format/format-audit-events.js';
import { formatJson } from '../format/format-json.js';
import { formatNotifications } from '../../notify/format/format-notifications.js';
import { readNotifications } from '../../notify/queue/notification-rows.js';
import { readFrom, readHistory, readProcessStates, readRecoveries } from '../../store/read-state.js';
import {
  foldedGenerationOf,
  foldedOfGeneration,
  readFoldedFile,
  waitingHistoryRows,
} from '../../store/folded-checks.js';
import { EXIT } from '../exit-codes.js';
import { formatHistoryTable } from '../format/format-history.js';
import { formatNetworkEvents } from '../../network/format/format-network-events.js';
import { formatRecoveries } from '../format/format-recoveries.js';
import type { CliIo } from '../io.js';
import { filesystemOfKey, loadCliConfig, requireProcessKey } from '../load-cli-config.js';

export interface HistoryArgs {
  config?: string | undefined;
  key?: string | undefined;
  limit: number;
  json?: boolean | undefined;
  recoveries?: boolean | undefined;
  network?: boolean | undefined;
  events?: boolean | undefined;
  notifications?: boolean | undefined;
}

/**
 * `watchdog history [key] [--limit N] [--json] [--recoveries | --network | --events]`: recent
 * checks, or recoveries with their actions, or the uplink's events, or the watchdog's own
 * events (gave up, reset, journal replayed, database moved aside), newest first.
 */
export function runHistory(args: HistoryArgs, io: CliIo): number {
  const { config } = loadCliConfig(args.config, io);
  // A file system entry's rows are kept under its key as a process's are.
  if (args.key !== undefined && filesystemOfKey(config, args.key) === undefined) requireProcessKey(config, args.key);
  const query = { processKey: args.key, limit: args.limit };

  if (args.notifications === true) {
    const rows = readFrom(
      config.db_path,
      (db) => readNotifications(db, query),
      () => [],
    );
    if (args.json === true)
      io.out(
        formatJson({ notifications: rows.map((row) => ({ ...row, payload: JSON.parse(row.payload) as unknown })) }),
      );
    else if (rows.length === 0)
      io.out(
        config.notify === undefined
          ? 'no notifications recorded (the config has no notify section)'
          : 'no notifications recorded yet',
      );
    else for (const line of formatNotifications(rows)) io.out(line);
    return EXIT.ok;
  }

  if (args.events === true) {
    const events = readFrom(
      config.db_path,
      (db) => readAuditEvents(db, query),
      () => [],
    );
    if (args.json === true) io.out(formatJson({ audit_events: events }));
    else if (events.length === 0) io.out('no watchdog events recorded yet');
    else for (const line of formatAuditEvents(events)) io.out(line);
    return EXIT.ok;
  }

  if (args.network === true) {
    const events = readFrom(
      config.db_path,
      (db) => readNetworkEvents(db, args.limit),
      () => [],
    );
    if (args.json === true) io.out(formatJson({ network_events: events }));
    else if (events.length === 0)
      io.out(
        config.network === undefined
          ? 'no network events recorded (the config has no network section)'
          : 'no network events recorded yet',
      );
    else for (const line of formatNetworkEvents(events)) io.out(line);
    return EXIT.ok;
  }

  if (args.recoveries === true) {
    const recoveries = readFrom(
      config.db_path,
      (db) => readRecoveries(db, query),
      () => [],
    );
    if (args.json === true) io.out(formatJson({ recoveries }));
    else if (recoveries.length === 0) io.out('no recoveries recorded yet');
    else for (const line of formatRecoveries(recoveries)) io.out(line);
    return EXIT.ok;
  }

  // Read before the database: a flush in between is then seen as such (src/store/folded-checks.ts).
  const waiting = readFoldedFile(config.folded_checks_path, config.db_path);
  const rows = readFrom(
    config.db_path,
    (db) => {
      const folded = foldedOfGeneration(waiting, config.db_path, foldedGenerationOf(db));
      const runs = waitingHistoryRows(folded, readProcessStates(db), query.processKey);
      return [...runs, ...readHistory(db, query)].slice(0, query.limit);
    },
    () => [],
  );
  if (args.json === true) io.out(formatJson({ checks: rows }));
  else if (rows.length === 0) io.out('no checks recorded yet');
  else {
    const filesystems = new Set(config.filesystems.map((filesystem) => filesystem.key));
    const heartbeat = !rows.every((row) => filesystems.has(row.process_key));
    for (const line of formatHistoryTable(rows, { heartbeat })) io.out(line);
  }
  return EXIT.ok;
}
