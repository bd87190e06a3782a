import { clampDate } from '../time/clamp-date.js';
import { COUNTED_ROWS, foldIntoBaseline } from './metric-counts.js';
import type { Store } from './open-store.js';

const LAST_RETENTION_KEY = 'last_retention_at';
const RETENTION_INTERVAL_MS = 60 * 60 * 1000;

export interface RetentionResult {
  /** False when the last pass was less than an hour ago. */
  ran: boolean;
  /** Check rows deleted. */
  deletedRows: number;
  /** Finished recoveries deleted, with their actions. */
  deletedRecoveries: number;
  /** Network events deleted. */
  deletedNetworkEvents: number;
  /** Notifications deleted (delivered, refused or dropped ones; their counts kept in `metric_baseline`). */
  deletedNotifications: number;
}

/**
 * Deletes check history, finished recoveries and network events older than `retentionDays`, at most once an hour, so the audit
 * log stays bounded without every tick paying for a scan. With `filesystemKeys` (the configured file system entries), the
 * figures of entries no longer configured go too.
 */
/** Whether a retention pass is due (the last was an hour ago or more, or in the future): read before writing, so most ticks write nothing. */
export function retentionDue(db: Store, nowMs: number): boolean {
  const last = db
    .prepare<[string], { value: string }>('SELECT value FROM watchdog_meta WHERE key = ?')
    .get(LAST_RETENTION_KEY);
  const sinceLastMs = last === undefined ? Infinity : nowMs - Date.parse(last.value);
  // A last pass in the future means the clock was set back: run rather than wait for it.
  return !(sinceLastMs >= 0 && sinceLastMs < RETENTION_INTERVAL_MS);
}

export function applyRetention(
  db: Store,
  nowMs: number,
  retentionDays: number,
  format: (date: Date) => string,
  filesystemKeys?: readonly string[],
): RetentionResult {
  if (!retentionDue(db, nowMs))
    return { ran: false, deletedRows: 0, deletedRecoveries: 0, deletedNetworkEvents: 0, deletedNotifications: 0 };
  const cutoff = format(clampDate(nowMs - retentionDays * 24 * 60 * 60 * 1000));
  return db
    .transaction((): RetentionResult => {
      // A row that stands for a run of checks goes with its last check, not its first.
      const { changes } = db
        .prepare('DELETE FROM check_history WHERE COALESCE(last_checked_at, checked_at) < ?')
        .run(cutoff);
      // Foreign keys are not enforced (SQLite's default), so the actions go first, explicitly.
      const oldRecoveries = "SELECT id FROM recoveries WHERE started_at < ? AND outcome <> 'running'";
      foldIntoBaseline(db, COUNTED_ROWS.recoveries, 'started_at < @cutoff', { cutoff });
      foldIntoBaseline(
        db,
        COUNTED_ROWS.restarts,
        "recoveries.started_at < @cutoff AND recoveries.outcome <> 'running'",
        { cutoff },
      );
      db.prepare(`DELETE FROM recovery_actions WHERE recovery_id IN (${oldRecoveries})`).run(cutoff);
      const recoveries = db.prepare(`DELETE FROM recoveries WHERE id IN (${oldRecoveries})`).run(cutoff);
      // Reboots are what the cooldown and the daily limit count: the last one always stays, and the last day's.
      const dayAgo = format(new Date(nowMs - 24 * 60 * 60 * 1000));
      const oldEvents = `at < @cutoff AND (kind <> 'reboot' OR (at < @dayAgo AND id <> (SELECT MAX(id) FROM network_events WHERE kind = 'reboot')))`;
      for (const counted of [
        COUNTED_ROWS.rungRuns,
        COUNTED_ROWS.ladderRuns,
        COUNTED_ROWS.reboots,
        COUNTED_ROWS.rebootsHeld,
      ]) {
        foldIntoBaseline(db, counted, oldEvents, { cutoff, dayAgo });
      }
      const network = db.prepare(`DELETE FROM network_events WHERE ${oldEvents}`).run({ cutoff, dayAgo });
      // Notifications that are done with (sent, refused, dropped) go too; what still waits stays.
      foldIntoBaseline(db, COUNTED_ROWS.notifications, 'created_at < @cutoff', { cutoff });
      const notifications = db
        .prepare("DELETE FROM notifications WHERE created_at < ? AND state <> 'pending'")
        .run(cutoff);
      // A raised event changes whether one is a repeat only after a notification still kept (by order,
      // src/notify/queue/decide-repeat.ts); one raised before them all never will, whatever its time.
      db.prepare(
        `DELETE FROM raised_events WHERE raised_seq < COALESCE((SELECT MIN(id) FROM notifications),
           (SELECT seq + 1 FROM sqlite_sequence WHERE name = 'notifications'), 0)`,
      ).run();
      if (filesystemKeys !== undefined)
        db.prepare('DELETE FROM filesystem_figures WHERE filesystem_key NOT IN (SELECT value FROM json_each(?))').run(
          JSON.stringify(filesystemKeys),
        );
      db.prepare(
        'INSERT INTO watchdog_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ).run(LAST_RETENTION_KEY, new Date(nowMs).toISOString());
      return {
        ran: true,
        deletedRows: changes,
        deletedRecoveries: recoveries.changes,
        deletedNetworkEvents: network.changes,
        deletedNotifications: notifications.changes,
      };
    })
    .immediate();
}
