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

/** Keeps what a check read; a check that read nothing (folder gone) removes the old figures, which would mislead. */
export function recordFilesystemFigures(
  db: Store,
  key: string,
  checkedAt: string,
  figures: FilesystemFigures | undefined,
): void {
  if (figures === undefined) {
    db.prepare('DELETE FROM filesystem_figures WHERE filesystem_key = ?').run(key);
    return;
  }
  db.prepare(
    `INSERT INTO filesystem_figures (filesystem_key, checked_at, mount_point, fs_type, size_bytes, free_bytes, read_only)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (filesystem_key) DO UPDATE SET checked_at = excluded.checked_at, mount_point = excluded.mount_point,
       fs_type = excluded.fs_type, size_bytes = excluded.size_bytes, free_bytes = excluded.free_bytes,
       read_only = excluded.read_only`,
  ).run(
    key,
    checkedAt,
    figures.mountPoint,
    figures.fsType,
    figures.sizeBytes,
    figures.freeBytes,
    figures.readOnly ? 1 : 0,
  );
}

/** The figures kept for every file system entry, by key. */
export function readFilesystemFigures(db: Store): Map<string, FilesystemFiguresRow> {
  const rows = db.prepare<[], FilesystemFiguresRow>('SELECT * FROM filesystem_figures').all();
  return new Map(rows.map((row) => [row.filesystem_key, row]));
}
