import type { Store } from '../../store/open-store.js';
import type { NetworkEventKind } from './record-network-event.js';

/** A `network_events` row. */
export interface NetworkEventRow {
  id: number;
  at: string;
  boot_id: string | null;
  uptime_seconds: number | null;
  interface: string;
  kind: NetworkEventKind;
  ladder_id: number | null;
  rung: string | null;
  outcome: string | null;
  detail: string | null;
  duration_ms: number | null;
  exit_code: number | null;
  output_tail: string | null;
}

/** As many past reboots as the largest `max_per_day` (a tick a minute for a day): enough to count the last day's. */
const REBOOTS_READ = 1440;

/** The reboots this watchdog made, newest first, whatever the interface. */
export function readReboots(db: Store, limit = REBOOTS_READ): NetworkEventRow[] {
  return db
    .prepare<[number], NetworkEventRow>("SELECT * FROM network_events WHERE kind = 'reboot' ORDER BY id DESC LIMIT ?")
    .all(limit);
}

/** The newest events, newest first. */
export function readNetworkEvents(db: Store, limit: number): NetworkEventRow[] {
  return db.prepare<[number], NetworkEventRow>('SELECT * FROM network_events ORDER BY id DESC LIMIT ?').all(limit);
}

/** The events of one ladder run, in order. */
export function readLadderEvents(db: Store, ladderId: number): NetworkEventRow[] {
  return db
    .prepare<[number, number], NetworkEventRow>(
      'SELECT * FROM network_events WHERE id = ? OR ladder_id = ? ORDER BY id',
    )
    .all(ladderId, ladderId);
}

/** Ladder runs of `name` that were started and never ended (the watchdog died during them), oldest first. */
export function readUnfinishedLadders(db: Store, name: string): NetworkEventRow[] {
  return db
    .prepare<[string], NetworkEventRow>(
      `SELECT * FROM network_events AS start WHERE kind = 'ladder_start' AND interface = ?
         AND NOT EXISTS (SELECT 1 FROM network_events AS ending WHERE ending.kind = 'ladder_end' AND ending.ladder_id = start.id)
       ORDER BY id`,
    )
    .all(name);
}

/** The bounce notes of `name` whose link was set down and never seen up again (`up_failed`: a set-up failed), oldest first. */
export function readLinksLeftDown(db: Store, name: string): NetworkEventRow[] {
  return db
    .prepare<[string], NetworkEventRow>(
      "SELECT * FROM network_events WHERE kind = 'link_set_down' AND interface = ? AND outcome IN ('down', 'up_failed') ORDER BY id",
    )
    .all(name);
}
