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

/** The figures kept for every file system entry whose last check read some, by key. */
export function readFilesystemFigures(db: Store): Map<string, FilesystemFiguresRow> {
  const rows = db
    .prepare<[], FilesystemFiguresRow>('SELECT * FROM filesystem_figures WHERE size_bytes IS NOT NULL')
    .all();
  return new Map(rows.map((row) => [row.filesystem_key, row]));
}
