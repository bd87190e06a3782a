import type { FilesystemFigures } from '../system/read-filesystem.js';

/** The share of the size free for ordinary users, in percent; 100 for a file system of size 0 (nothing to fill). */
export function freePercentOf(figures: Pick<FilesystemFigures, 'freeBytes' | 'sizeBytes'>): number {
  return figures.sizeBytes > 0 ? (figures.freeBytes / figures.sizeBytes) * 100 : 100;
}

/** Bytes as MiB with one decimal, as reasons and `status` show them. */
export function formatMebibytes(bytes: number): string {
  return (bytes / 1024 ** 2).toFixed(1);
}
