import type { Database } from 'better-sqlite3';

/** One schema step; `PRAGMA user_version` records the last one applied. */
export interface Migration {
  version: number;
  description: string;
  up: (db: Database) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "the Python Watchdog's tables, so its database is adopted as it is",
    up: (db) => {
      db.exec(`
        CREATE TABLE IF NOT EXISTS process_state (
          process_key TEXT PRIMARY KEY,
          consecutive_failures INTEGER DEFAULT 0,
          last_check_at TEXT,
          last_health TEXT,
          last_pid INTEGER,
          last_heartbeat_ts TEXT,
          last_iteration INTEGER
        );
        CREATE TABLE IF NOT EXISTS check_history (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          process_key TEXT NOT NULL,
          checked_at TEXT NOT NULL,
          health TEXT NOT NULL,
          pid INTEGER,
          heartbeat_ts TEXT,
          iteration INTEGER,
          action_taken TEXT
        );
      `);
    },
  },
  {
    version: 2,
    description: 'reasons, heartbeat age and status, recovery due; indexes; retention bookkeeping',
    up: (db) => {
      db.exec(`
        ALTER TABLE check_history ADD COLUMN reason TEXT;
        ALTER TABLE check_history ADD COLUMN heartbeat_age_seconds REAL;
        ALTER TABLE check_history ADD COLUMN heartbeat_status TEXT;
        ALTER TABLE check_history ADD COLUMN consecutive_failures INTEGER;
        ALTER TABLE check_history ADD COLUMN warning TEXT;
        ALTER TABLE process_state ADD COLUMN last_reason TEXT;
        ALTER TABLE process_state ADD COLUMN last_heartbeat_age_seconds REAL;
        ALTER TABLE process_state ADD COLUMN last_heartbeat_status TEXT;
        ALTER TABLE process_state ADD COLUMN last_warning TEXT;
        ALTER TABLE process_state ADD COLUMN recovery_due_since TEXT;
        CREATE INDEX IF NOT EXISTS check_history_by_process ON check_history (process_key, id);
        CREATE INDEX IF NOT EXISTS check_history_by_time ON check_history (checked_at);
        CREATE TABLE IF NOT EXISTS watchdog_meta (
          key TEXT PRIMARY KEY,
          value TEXT NOT NULL
        );
      `);
    },
  },
];

export const SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;
