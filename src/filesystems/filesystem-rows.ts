import type { Store } from '../store/open-store.js';
import type { FilesystemFigures } from '../system/read-filesystem.js';

/** What a file system entry's last check read, as `filesystem_figures` keeps it for `status` and the metrics. */
export interface FilesystemFiguresRow {
  filesystem_key: string;
  checked_at: string;
  mount_point: string;
  fs_type: string;
  size_bytes: number;
  free_bytes: number;
  /** 1 or 0. */
  read_only: number;
}

/** A stored row as it may be: its figures null when its last check read none. */
export type StoredFiguresRow = { [Column in keyof FilesystemFiguresRow]: FilesystemFiguresRow[Column] | null } & {
  filesystem_key: string;
};

/**
 * Keeps what a check read. A check that read nothing (folder gone) keeps a row without
 * figures, so the old ones are not shown beside it: a row, not a delete, as the journal a
 * run writes while the database is locked carries rows and replays them, and a delete
 * would be lost there.
 */
export function recordFilesystemFigures(
  db: Store,
  key: string,
  checkedAt: string,
  figures: FilesystemFigures | undefined,
): void {
  db.prepare(
    `INSERT INTO filesystem_figures (filesystem_key, checked_at, mount_point, fs_type, size_bytes, free_bytes, read_only)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (filesystem_key) DO UPDATE SET checked_at = excluded.checked_at, mount_point = excluded.mount_point,
       fs_type = excluded.fs_type, size_bytes = excluded.size_bytes, free_bytes = excluded.free_bytes,
       read_only = excluded.read_only`,
  ).run(
    key,
    checkedAt,
    figures?.mountPoint ?? null,
    figures?.fsType ?? null,
    figures?.sizeBytes ?? null,
    figures?.freeBytes ?? null,
    figures === undefined ? null : figures.readOnly ? 1 : 0,
  );
}

/** Every entry's stored figures row, those of checks that read none included, by key. */
export function readStoredFigures(db: Store): Map<string, StoredFiguresRow> {
  const rows = db.prepare<[], StoredFiguresRow>('SELECT * FROM filesystem_figures').all();
  return new Map(rows.map((row) => [row.filesystem_key, row]));
}

/** The figures kept for every file system entry whose last check read some, by key. */
export function readFilesystemFigures(db: Store): Map<string, FilesystemFiguresRow> {
  const rows = db
    .prepare<[], FilesystemFiguresRow>('SELECT * FROM filesystem_figures WHERE size_bytes IS NOT NULL')
    .all();
  return new Map(rows.map((row) => [row.filesystem_key, row]));
}

/**
 * Whether an alert-only entry has an alert open (`filesystem_failing` raised, no
 * `filesystem_healthy` since); `undefined` when its state has no flag yet (no row, or a row
 * from before the flag was kept).
 */
export function readFilesystemAlertOpen(db: Store, key: string): boolean | undefined {
  const row = db
    .prepare<[string], { filesystem_alert_open: number | null }>(
      'SELECT filesystem_alert_open FROM process_state WHERE process_key = ?',
    )
    .get(key);
  return row?.filesystem_alert_open == null ? undefined : row.filesystem_alert_open === 1;
}

/**
 * Opens the alert when `filesystem_failing` is raised, closes it when `filesystem_healthy` is.
 * An update of the entry's state row (the check wrote it): the journal carries it whole.
 */
export function setFilesystemAlertOpen(db: Store, key: string, open: boolean): void {
  db.prepare('UPDATE process_state SET filesystem_alert_open = ? WHERE process_key = ?').run(open ? 1 : 0, key);
}
