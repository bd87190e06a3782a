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
  {
    version: 3,
    description: 'recoveries and their actions; off, start grace and last recovery per process',
    up: (db) => {
      db.exec(`
        ALTER TABLE process_state ADD COLUMN off_since TEXT;
        ALTER TABLE process_state ADD COLUMN off_by TEXT;
        ALTER TABLE process_state ADD COLUMN started_at TEXT;
        ALTER TABLE process_state ADD COLUMN grace_until TEXT;
        ALTER TABLE process_state ADD COLUMN started_pid INTEGER;
        ALTER TABLE process_state ADD COLUMN started_pid_start_ticks INTEGER;
        ALTER TABLE process_state ADD COLUMN last_recovery_id INTEGER;
        ALTER TABLE check_history ADD COLUMN recovery_id INTEGER;
        CREATE TABLE IF NOT EXISTS recoveries (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          process_key TEXT NOT NULL,
          kind TEXT NOT NULL,
          command TEXT NOT NULL,
          requested_by TEXT NOT NULL,
          trigger_health TEXT,
          trigger_reason TEXT,
          started_at TEXT NOT NULL,
          finished_at TEXT,
          duration_ms INTEGER,
          outcome TEXT NOT NULL,
          detail TEXT,
          started_pid INTEGER
        );
        CREATE INDEX IF NOT EXISTS recoveries_by_process ON recoveries (process_key, id);
        CREATE INDEX IF NOT EXISTS recoveries_by_time ON recoveries (started_at);
        CREATE TABLE IF NOT EXISTS recovery_actions (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          recovery_id INTEGER NOT NULL REFERENCES recoveries (id) ON DELETE CASCADE,
          position INTEGER NOT NULL,
          action TEXT NOT NULL,
          started_at TEXT NOT NULL,
          duration_ms INTEGER NOT NULL,
          outcome TEXT NOT NULL,
          pid INTEGER,
          exit_code INTEGER,
          signal TEXT,
          timed_out INTEGER NOT NULL DEFAULT 0,
          detail TEXT,
          output_tail TEXT
        );
        CREATE INDEX IF NOT EXISTS recovery_actions_by_recovery ON recovery_actions (recovery_id, position);
      `);
    },
  },
  {
    version: 4,
    description: "the uplink's state and its events: detections, ladder runs and rungs, reboot decisions and reboots",
    up: (db) => {
      db.exec(`
        CREATE TABLE IF NOT EXISTS network_state (
          interface TEXT PRIMARY KEY,
          last_check_at TEXT,
          last_state TEXT,
          last_reason TEXT,
          consecutive_failures INTEGER NOT NULL DEFAULT 0,
          failing_since TEXT,
          seen_at TEXT,
          failed_ladder_runs INTEGER NOT NULL DEFAULT 0,
          last_ladder_at TEXT,
          last_ladder_id INTEGER,
          last_ladder_outcome TEXT,
          last_healed_by TEXT
        );
        CREATE TABLE IF NOT EXISTS network_events (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          at TEXT NOT NULL,
          boot_id TEXT,
          uptime_seconds REAL,
          interface TEXT NOT NULL,
          kind TEXT NOT NULL,
          ladder_id INTEGER,
          rung TEXT,
          outcome TEXT,
          detail TEXT,
          duration_ms INTEGER,
          exit_code INTEGER,
          output_tail TEXT
        );
        CREATE INDEX IF NOT EXISTS network_events_by_time ON network_events (at);
        CREATE INDEX IF NOT EXISTS network_events_by_kind ON network_events (kind, id);
      `);
    },
  },
  {
    version: 5,
    description:
      'identity checks, the crash-loop guard, and events of the watchdog itself (database moved aside, journal replayed, gave up, reset)',
    up: (db) => {
      db.exec(`
        ALTER TABLE process_state ADD COLUMN last_identity TEXT;
        ALTER TABLE process_state ADD COLUMN gave_up_at TEXT;
        ALTER TABLE process_state ADD COLUMN gave_up_reason TEXT;
        ALTER TABLE process_state ADD COLUMN recoveries_counted_since TEXT;
        ALTER TABLE check_history ADD COLUMN identity TEXT;
        CREATE TABLE IF NOT EXISTS audit_events (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          at TEXT NOT NULL,
          kind TEXT NOT NULL,
          process_key TEXT,
          detail TEXT
        );
        CREATE INDEX IF NOT EXISTS audit_events_by_time ON audit_events (at);
      `);
    },
  },
  {
    version: 6,
    description:
      'the notification queue, and the counts of rows retention deleted (so the exported counters never go down)',
    up: (db) => {
      db.exec(`
        CREATE TABLE IF NOT EXISTS notifications (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          channel TEXT NOT NULL,
          event TEXT NOT NULL,
          subject TEXT NOT NULL,
          created_at TEXT NOT NULL,
          payload TEXT NOT NULL,
          state TEXT NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 0,
          last_attempt_at TEXT,
          last_error TEXT,
          delivered_at TEXT
        );
        CREATE INDEX IF NOT EXISTS notifications_by_channel ON notifications (channel, state, created_at);
        CREATE INDEX IF NOT EXISTS notifications_by_event ON notifications (channel, event, subject, created_at);
        CREATE TABLE IF NOT EXISTS metric_baseline (
          name TEXT NOT NULL,
          labels TEXT NOT NULL,
          value INTEGER NOT NULL,
          PRIMARY KEY (name, labels)
        );
      `);
    },
  },
  {
    version: 7,
    description: 'the start grace on the boot clock, and the boot of the started instance (a daemon the start left)',
    up: (db) => {
      db.exec(`
        ALTER TABLE process_state ADD COLUMN started_boot_id TEXT;
        ALTER TABLE process_state ADD COLUMN started_uptime_seconds REAL;
      `);
    },
  },
  {
    version: 8,
    description:
      "each recovery's boot and boot clock, so the crash-loop guard's window and backoff survive clock steps",
    up: (db) => {
      db.exec(`
        ALTER TABLE recoveries ADD COLUMN boot_id TEXT;
        ALTER TABLE recoveries ADD COLUMN started_uptime_seconds REAL;
        ALTER TABLE recoveries ADD COLUMN finished_uptime_seconds REAL;
      `);
    },
  },
  {
    version: 9,
    description:
      "what each process's state was recorded by (a check, or a person's command after it), when, and the heartbeat's own state behind it",
    up: (db) => {
      db.exec(`
        ALTER TABLE process_state ADD COLUMN last_heartbeat_state TEXT;
        ALTER TABLE process_state ADD COLUMN last_state_at TEXT;
        ALTER TABLE process_state ADD COLUMN last_state_source TEXT;
      `);
    },
  },
  {
    version: 10,
    description: "each thermal zone's last reading and level, which the next tick judges against",
    up: (db) => {
      db.exec(`
        CREATE TABLE IF NOT EXISTS thermal_zones (
          zone TEXT PRIMARY KEY,
          type TEXT,
          level TEXT NOT NULL,
          celsius REAL,
          reason TEXT NOT NULL,
          since TEXT NOT NULL,
          checked_at TEXT NOT NULL
        );
      `);
    },
  },
  {
    version: 11,
    description:
      "what each app used at its last check (memory, CPU), and the CPU sample the next check's rate is taken from",
    up: (db) => {
      db.exec(`
        ALTER TABLE process_state ADD COLUMN last_memory_bytes INTEGER;
        ALTER TABLE process_state ADD COLUMN last_cpu_percent REAL;
        ALTER TABLE process_state ADD COLUMN last_usage_descendants INTEGER;
        ALTER TABLE process_state ADD COLUMN cpu_sample_pid INTEGER;
        ALTER TABLE process_state ADD COLUMN cpu_sample_start_ticks INTEGER;
        ALTER TABLE process_state ADD COLUMN cpu_sample_boot_id TEXT;
        ALTER TABLE process_state ADD COLUMN cpu_sample_ticks INTEGER;
        ALTER TABLE process_state ADD COLUMN cpu_sample_uptime_seconds REAL;
      `);
    },
  },
  {
    version: 12,
    description: 'how many processes matched at the last check of an app found by match alone',
    up: (db) => {
      db.exec(`ALTER TABLE process_state ADD COLUMN last_match_count INTEGER;`);
    },
  },
  {
    version: 13,
    description: "what each file system entry's last check read: its mount, size, free space and read-only flag",
    up: (db) => {
      db.exec(`
        CREATE TABLE IF NOT EXISTS filesystem_figures (
          filesystem_key TEXT PRIMARY KEY,
          checked_at TEXT NOT NULL,
          mount_point TEXT NOT NULL,
          fs_type TEXT NOT NULL,
          size_bytes INTEGER NOT NULL,
          free_bytes INTEGER NOT NULL,
          read_only INTEGER NOT NULL
        );
      `);
    },
  },
  {
    version: 14,
    description:
      "a file system entry's figures may be NULL (its last check read none); the kind of subject beside its state",
    up: (db) => {
      // Every row before this version is a process's (file system entries come with it).
      db.exec(`
        ALTER TABLE process_state ADD COLUMN subject_kind TEXT;
        UPDATE process_state SET subject_kind = 'process';
      `);
      // SQLite cannot drop a NOT NULL: the table is made again, its rows kept.
      db.exec(`
        CREATE TABLE filesystem_figures_new (
          filesystem_key TEXT PRIMARY KEY,
          checked_at TEXT NOT NULL,
          mount_point TEXT,
          fs_type TEXT,
          size_bytes INTEGER,
          free_bytes INTEGER,
          read_only INTEGER
        );
        INSERT INTO filesystem_figures_new SELECT filesystem_key, checked_at, mount_point, fs_type, size_bytes, free_bytes, read_only
          FROM filesystem_figures;
        DROP TABLE filesystem_figures;
        ALTER TABLE filesystem_figures_new RENAME TO filesystem_figures;
      `);
    },
  },
  {
    version: 15,
    description:
      'whether an alert-only file system entry has an alert open (filesystem_failing, no filesystem_healthy since)',
    up: (db) => {
      // NULL for the rows before: the decision falls back on their count.
      db.exec(`ALTER TABLE process_state ADD COLUMN filesystem_alert_open INTEGER;`);
    },
  },
  {
    version: 16,
    description: 'how the instance a start left was found: the command itself running, pid_file, or its session',
    up: (db) => {
      // NULL for the rows before: nothing says their instance was the app itself.
      db.exec(`ALTER TABLE process_state ADD COLUMN started_found_by TEXT;`);
    },
  },
  {
    version: 17,
    description:
      'a check_history row may stand for a run of unchanged checks folded into one (check_count, last_checked_at)',
    up: (db) => {
      // 1 and NULL for the rows before: each stood for its one check.
      db.exec(`
        ALTER TABLE check_history ADD COLUMN check_count INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE check_history ADD COLUMN last_checked_at TEXT;
      `);
    },
  },
  {
    version: 18,
    description:
      "when each event was last raised for its subject, whatever the channels; each channel's last delivery and refusal",
    up: (db) => {
      // Keyed by one column (`event subject`: an event kind has no space) so the journal writes it back by that key.
      // `raised_seq`: the last notification id given out when it was raised, so the order of events is known
      // whatever the clock did; from before, each (event, subject)'s newest notification (SQLite's bare
      // column beside MAX() is that row's).
      db.exec(`
        CREATE TABLE IF NOT EXISTS raised_events (
          raised_key TEXT PRIMARY KEY,
          event TEXT NOT NULL,
          subject TEXT NOT NULL,
          raised_at TEXT NOT NULL,
          raised_seq INTEGER NOT NULL
        );
        INSERT OR IGNORE INTO raised_events (raised_key, event, subject, raised_at, raised_seq)
          SELECT event || ' ' || subject, event, subject, created_at, MAX(id) FROM notifications GROUP BY event, subject;
        CREATE TABLE IF NOT EXISTS notification_channels (
          channel TEXT PRIMARY KEY,
          last_delivered_at TEXT,
          last_refused_at TEXT,
          last_refused_id INTEGER,
          last_refused_event TEXT,
          last_refused_subject TEXT,
          last_refused_created_at TEXT,
          last_refused_error TEXT
        );
        INSERT OR IGNORE INTO notification_channels (channel) SELECT DISTINCT channel FROM notifications;
        UPDATE notification_channels SET last_delivered_at =
          (SELECT MAX(delivered_at) FROM notifications n WHERE n.channel = notification_channels.channel AND n.state = 'delivered');
      `);
      // The last refusal of each channel: the newest failed row (by id, the order they were raised in).
      db.exec(`
        UPDATE notification_channels SET (last_refused_at, last_refused_id, last_refused_event, last_refused_subject, last_refused_created_at, last_refused_error) =
          (SELECT COALESCE(last_attempt_at, created_at), id, event, subject, created_at, last_error FROM notifications n
            WHERE n.channel = notification_channels.channel AND n.state = 'failed' ORDER BY id DESC LIMIT 1);
      `);
    },
  },
  {
    version: 19,
    description: 'when each key entered the state of its last check or command (last_health_since)',
    up: (db) => {
      // Filled from the history left: the first check of the last run of rows in that state
      // (the oldest row kept, when retention has deleted the run's start); a state a person's
      // command set after its last row, from that command. NULL (no sample) when nothing says.
      db.exec(`
        ALTER TABLE process_state ADD COLUMN last_health_since TEXT;
        UPDATE process_state SET last_health_since = COALESCE(
          (SELECT run.checked_at FROM check_history run
            WHERE run.process_key = process_state.process_key
              AND run.id > COALESCE((SELECT other.id FROM check_history other
                WHERE other.process_key = process_state.process_key AND other.health IS NOT process_state.last_health
                ORDER BY other.id DESC LIMIT 1), 0)
            ORDER BY run.id LIMIT 1),
          CASE WHEN last_state_source IS NOT NULL AND last_state_source <> 'check' THEN last_state_at END)
        WHERE last_health IS NOT NULL;
      `);
    },
  },
  {
    version: 20,
    description:
      'an open incident of a process or an interface: its id, when it opened, the recovery that last started the app in it',
    up: (db) => {
      // NULL for the rows before: no incident is open (an outage under way then is told without an id).
      db.exec(`
        ALTER TABLE process_state ADD COLUMN incident_id TEXT;
        ALTER TABLE process_state ADD COLUMN incident_opened_at TEXT;
        ALTER TABLE process_state ADD COLUMN incident_recovery_id INTEGER;
        ALTER TABLE network_state ADD COLUMN incident_id TEXT;
        ALTER TABLE network_state ADD COLUMN incident_opened_at TEXT;
      `);
    },
  },
];

export const SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;
