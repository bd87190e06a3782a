import { escapeUntrustedLine } from '../../display/escape-untrusted.js';
import { paint } from '../../display/paint.js';
import { styleOfState } from '../../display/state-style.js';
import { formatMebibytes } from '../../filesystems/filesystem-figures.js';
import type { FilesystemStatus } from '../../status/build-filesystem-status.js';

/**
 * The file systems' part of `watchdog status`: a line per entry with its state, free space
 * and read-only flag as the last check read them, then the reason. Paths, mount points and
 * reasons are escaped to one line ({@link escapeUntrustedLine}): a mount point is whatever a
 * mount was given, and someone other than root may mount.
 */
export function formatFilesystemStatus(statuses: readonly FilesystemStatus[], color = false): string[] {
  if (statuses.length === 0) return [];
  const lines = ['file systems:'];
  for (const status of statuses) {
    const state = paint(status.state, styleOfState(status.state), color);
    const failures =
      status.consecutive_failures > 0 ? `, failures ${status.consecutive_failures}/${status.threshold}` : '';
    lines.push(`  ${escapeUntrustedLine(`${status.key} ${status.path}`)}: ${state}${figuresOf(status)}${failures}`);
    if (status.reason !== null) lines.push(`    ${escapeUntrustedLine(status.reason)}`);
  }
  return lines;
}

function figuresOf(status: FilesystemStatus): string {
  if (status.free_bytes === null || status.size_bytes === null || status.free_percent === null) return '';
  const mode = status.read_only === true ? 'read-only' : 'read-write';
  const free = `${formatMebibytes(status.free_bytes)} of ${formatMebibytes(status.size_bytes)} MiB free`;
  return escapeUntrustedLine(
    `, ${free} (${status.free_percent.toFixed(1)}%), ${mode}, on ${status.mount_point ?? 'an unknown mount'}`,
  );
}
