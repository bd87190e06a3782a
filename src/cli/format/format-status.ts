import { escapeUntrustedLine } from '../../display/escape-untrusted.js';
import { fitText, fitTextStart, textWidth } from '../../display/fit-text.js';
import { paint, type Style } from '../../display/paint.js';
import { styleOfState } from '../../display/state-style.js';
import { formatSeconds } from '../../time/format-duration.js';
import { formatMegabytes, formatPercent } from '../../limits/check-limits.js';
import type { FilesystemStatus } from '../../status/build-filesystem-status.js';
import type { ProcessStatus } from '../../status/build-status.js';
import { renderTable, type StyledCell } from '../../display/render-table.js';

/** How `status` is printed: whole lines for a pipe or a file, or cut to a terminal's width. */
export interface StatusLayout {
  /** The terminal's width; `undefined` when standard output is no terminal: every line whole. */
  width: number | undefined;
  color: boolean;
}

/**
 * `watchdog status` as a table a person reads at a glance, then warnings, failed recoveries
 * and where app output goes; every column and every line whole, for a pipe, a file or a
 * script. Reasons, warnings and details hold what heartbeats and commands said: every line
 * is escaped to one line ({@link escapeUntrustedLine}; the table's cells by `renderTable`).
 */
export function formatStatusTable(statuses: readonly ProcessStatus[], nowMs: number, color = false): string[] {
  const rows = statuses.map((status) => [
    status.key,
    status.display_name,
    stateCell(status),
    failuresCell(status, ' recovery due'),
    heartbeatAgeOf(status),
    status.pid === null ? '-' : String(status.pid),
    status.identity ?? '-',
    usageCell(status),
    formatAgo(status.last_check_at, nowMs),
    status.last_recovery === null
      ? '-'
      : `#${status.last_recovery.id} ${status.last_recovery.kind} ${status.last_recovery.outcome} ${formatAgo(status.last_recovery.started_at, nowMs)}`,
    status.reason ?? '',
  ]);
  const table = renderTable(
    [
      'KEY',
      'NAME',
      'STATE',
      'FAILURES',
      'HEARTBEAT AGE',
      'PID',
      'IDENTITY',
      'USAGE',
      'LAST CHECK',
      'LAST RECOVERY',
      'REASON',
    ],
    rows,
    { color },
  );
  const lines = noticesOf(statuses);
  for (const status of statuses)
    lines.push(`app output of ${status.key} (stdout and stderr of what the watchdog starts): ${status.output_log}`);
  return [...table, ...lines.map(escapeUntrustedLine)];
}

/**
 * `watchdog status` in a terminal `width` columns wide: a line per process with what says
 * whether it is well (state, failures/threshold, heartbeat age, PID, last check, the reason
 * cut to what room is left), then the notices, each line cut to the width with `…`; the
 * name, identity, last recovery and app output are left to `watchdog status KEY`, which
 * shows a process whole. Cuts never split an escape (`fitText`), and colour is added after.
 */
export function formatStatusFitted(
  statuses: readonly ProcessStatus[],
  nowMs: number,
  { width, color }: { width: number; color: boolean },
): string[] {
  const rows = statuses.map((status) => [
    status.key,
    stateCell(status),
    failuresCell(status, ' due'),
    heartbeatAgeOf(status),
    status.pid === null ? '-' : String(status.pid),
    formatAgo(status.last_check_at, nowMs),
    status.reason ?? '',
  ]);
  const table = renderTable(['KEY', 'STATE', 'FAILURES', 'HEARTBEAT', 'PID', 'CHECKED', 'REASON'], rows, {
    width,
    color,
    maxWidths: [Math.max(8, Math.floor(width / 4))],
  });
  const notices = noticesOf(statuses).map((line) => fitText(escapeUntrustedLine(line), width));
  const hint = fitText('whole reasons, name, last recovery and app output: watchdog status KEY', width);
  return [...table, ...notices, paint(hint, 'dim', color)];
}

/**
 * The line above the table: the config, how many processes are enabled and healthy, and
 * as many file system entries likewise when there are any. In a terminal the config's path
 * gives way first, cut at its start.
 */
export function formatStatusSummary(
  configPath: string,
  statuses: readonly ProcessStatus[],
  { width, color }: StatusLayout,
  filesystems: readonly Pick<FilesystemStatus, 'enabled' | 'state'>[] = [],
): string {
  const counts = (style: (text: string, colour: 'green' | 'red' | undefined) => string): string => {
    const processes = countsOf(statuses, style);
    const checked = filesystems.filter((filesystem) => filesystem.enabled);
    if (checked.length === 0) return `: ${processes}`;
    const label = checked.length === 1 ? 'file system' : 'file systems';
    return `: ${processes}; ${checked.length} ${label}: ${countsOf(checked, style, false)}`;
  };
  const plain = counts((text) => text);
  const path = escapeUntrustedLine(configPath);
  const shown = width === undefined ? path : fitTextStart(path, Math.max(1, width - textWidth(plain)));
  return `${shown}${counts((text, colour) => paint(text, colour, color))}`;
}

/** `2 enabled, 1 healthy, 1 not healthy` (without `N enabled, ` for the file systems, whose number leads). */
function countsOf(
  statuses: readonly Pick<ProcessStatus, 'enabled' | 'state'>[],
  style: (text: string, colour: 'green' | 'red' | undefined) => string,
  sayEnabled = true,
): string {
  const enabled = statuses.filter((status) => status.enabled);
  const healthy = enabled.filter((status) => status.state === 'healthy').length;
  const unhealthy = enabled.length - healthy;
  const counts = `${style(`${healthy} healthy`, healthy > 0 ? 'green' : undefined)}, ${style(`${unhealthy} not healthy`, unhealthy > 0 ? 'red' : undefined)}`;
  return sayEnabled ? `${enabled.length} enabled, ${counts}` : counts;
}

/** Warnings, processes given up on and failed last recoveries, a line each, not yet escaped. */
function noticesOf(statuses: readonly ProcessStatus[]): string[] {
  const lines: string[] = [];
  for (const status of statuses) {
    if (status.warning !== null) lines.push(`warning: ${status.key}: ${status.warning}`);
  }
  for (const status of statuses) {
    if (status.gave_up_at === null) continue;
    lines.push(
      `gave up on ${status.key} at ${status.gave_up_at} (${status.gave_up_reason ?? 'crash loop'}): \`watchdog on ${status.key}\` or \`watchdog reset ${status.key}\` resumes recoveries`,
    );
  }
  for (const status of statuses) {
    const recovery = status.last_recovery;
    if (
      recovery !== null &&
      recovery.outcome !== 'succeeded' &&
      recovery.outcome !== 'skipped' &&
      recovery.detail !== null
    ) {
      lines.push(`last ${recovery.kind} of ${status.key} ${recovery.outcome}: ${recovery.detail}`);
    }
  }
  return lines;
}

/** The state, in its colour. */
export function stateCell(status: ProcessStatus): StyledCell {
  return { text: status.state, style: styleOfState(status.state) };
}

/** `1/2`, and `due` after it once a recovery is due; red when due, yellow while failures count up. */
function failuresCell(status: ProcessStatus, due: string): StyledCell {
  if (!status.enabled) return { text: '-', style: undefined };
  const style: Style | undefined = status.recovery_due ? 'red' : status.consecutive_failures > 0 ? 'yellow' : undefined;
  return { text: `${status.consecutive_failures}/${status.threshold}${status.recovery_due ? due : ''}`, style };
}

/** `87 MB 12%`: the app's memory and CPU at the last check; `-` when not measured. */
export function usageCell(status: Pick<ProcessStatus, 'memory_bytes' | 'cpu_percent'>): string {
  if (status.memory_bytes === null) return '-';
  return `${formatMegabytes(status.memory_bytes)}${status.cpu_percent === null ? '' : ` ${formatPercent(status.cpu_percent)}`}`;
}

function heartbeatAgeOf(status: ProcessStatus): string {
  return status.heartbeat_age_seconds === null ? '-' : formatSeconds(Math.max(0, status.heartbeat_age_seconds));
}

/** `35s ago` from a stored timestamp; `never` when there is none. */
export function formatAgo(timestamp: string | null, nowMs: number): string {
  if (timestamp === null) return 'never';
  const then = Date.parse(timestamp);
  if (Number.isNaN(then)) return timestamp;
  const seconds = (nowMs - then) / 1000;
  return seconds < 0 ? `in ${formatSeconds(-seconds)}` : `${formatSeconds(seconds)} ago`;
}
