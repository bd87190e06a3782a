import { openStoreForReading } from '../../store/open-store.js';
import { readHistory, type CheckHistoryRow } from '../../store/read-state.js';
import { EXIT } from '../exit-codes.js';
import { formatHistoryTable } from '../format/format-history.js';
import type { CliIo } from '../io.js';
import { loadCliConfig, requireProcessKey } from '../load-cli-config.js';

export interface HistoryArgs {
  config?: string | undefined;
  key?: string | undefined;
  limit: number;
  json?: boolean | undefined;
}

/** `watchdog history [key] [--limit N] [--json]`: recent checks, newest first. */
export function runHistory(args: HistoryArgs, io: CliIo): number {
  const { config } = loadCliConfig(args.config, io);
  if (args.key !== undefined) requireProcessKey(config, args.key);

  let rows: CheckHistoryRow[] = [];
  const db = openStoreForReading(config.db_path);
  if (db !== undefined) {
    try {
      rows = readHistory(db, { processKey: args.key, limit: args.limit });
    } finally {
      db.close();
    }
  }
  if (args.json === true) {
    io.out(JSON.stringify({ checks: rows }, null, 2));
  } else if (rows.length === 0) {
    io.out('no checks recorded yet');
  } else {
    for (const line of formatHistoryTable(rows)) io.out(line);
  }
  return EXIT.ok;
}
