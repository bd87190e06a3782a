import type { FilesystemFigures } from '../system/read-filesystem.js';

/** The share of the size free for ordinary users, in percent; 100 for a file system of size 0 (nothing to fill). */
export function freePercentOf(figures: Pick<FilesystemFigures, 'freeBytes' | 'sizeBytes'>): number {
  return figures.sizeBytes > 0 ? (figures.freeBytes / figures.sizeBytes) * 100 : 100;
}

/** Bytes as MiB with one decimal, rounded down (never more free than there is), as reasons and `status` show them. */
export function formatMebibytes(bytes: number): string {
  return formatTenthsDown(bytes / 1024 ** 2);
}

/**
 * A share in percent with one decimal, rounded down: 9.98% free below a limit of 10 is
 * `9.9%`, never `10.0%`.
 */
export function formatPercentDown(percent: number): string {
  return formatTenthsDown(percent);
}

function formatTenthsDown(value: number): string {
  // The tiny nudge keeps a value that is a whole tenth in decimal (40.0) from flooring to 39.9 in binary.
  return (Math.floor(value * 10 + 1e-9) / 10).toFixed(1);
}
