import Database from 'better-sqlite3';
import type { NotificationRow } from '../../src/notify/queue/notification-rows.js';
import { killGroupOnCleanup } from './owned-processes.js';
import { recoveriesIn } from './watchdog-in-namespace.js';

/** Every queued notification, oldest first. */
export function notificationsIn(dbPath: string): NotificationRow[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare<[], NotificationRow>('SELECT * FROM notifications ORDER BY id').all();
  } finally {
    db.close();
  }
}

/**
 * SIGKILLs, when the test ends, every app the watchdog started (run outside a PID
 * namespace) with its process group: the watchdog starts each in a session of its own,
 * so its PID leads a group, and the test started the watchdog that started it.
 * Returns the started PIDs, oldest first.
 */
export function killStartedAppsOnCleanup(dbPath: string): number[] {
  const started = recoveriesIn(dbPath).flatMap((recovery) =>
    recovery.started_pid === null ? [] : [recovery.started_pid],
  );
  for (const pid of started) killGroupOnCleanup(pid);
  return started;
}
