import type { WatchdogConfig } from '../../config/types.js';
import { escapeUntrustedLine } from '../../display/escape-untrusted.js';
import { describeCheck } from '../../tick/describe-check.js';
import type { ProcessPreview } from '../../tick/preview-tick.js';
import { formatActionPreviews } from './format-action-previews.js';
import { describeUsage } from '../../limits/check-limits.js';
import { hasLimits } from '../../limits/resource-limits.js';
import type { ProcessCheck } from '../../tick/process-check.js';
import { assessedCheckOf } from '../../tick/filesystem-check.js';
import type { FilesystemPreview } from '../../tick/preview-filesystems.js';
import { isAlertOnly } from '../../filesystems/decide-filesystem-alert.js';
import { isFailure } from '../../heartbeat/health-state.js';

/**
 * What a dry run does, said first: it asks the checks and the probes (a command probe runs,
 * so the preview knows what the tick would decide), and changes nothing.
 */
export const DRY_RUN_DOES = 'the checks and probes are asked; nothing is started, stopped, recorded or logged';

/**
 * `check --dry-run`'s lines before the network part: the config's warnings, and a line per
 * process with the actions it would run (network/format/format-network-preview.ts tells the rest).
 */
export function formatTickPreview(
  config: Pick<WatchdogConfig, 'config_path'>,
  warnings: readonly string[],
  processes: readonly ProcessPreview[],
): string[] {
  const lines = [`dry run of ${config.config_path}: ${DRY_RUN_DOES}`];
  for (const warning of warnings) lines.push(`config warning: ${warning}`);
  for (const process of processes) lines.push(...formatProcessPreview(process));
  return lines;
}

/** `check --dry-run`'s line per file system entry, with the commands its recovery would run. */
export function formatFilesystemPreviews(previews: readonly FilesystemPreview[]): string[] {
  return previews.flatMap((preview): string[] => {
    if (preview.kind === 'disabled') return [`${preview.filesystem.key}: disabled (enabled is false) → not checked`];
    const { check } = preview;
    const line = describeCheck(assessedCheckOf(check));
    if (preview.kind === 'recovery')
      return [`${line} → would run its recovery:`, ...formatActionPreviews(preview.actions)];
    if (isAlertOnly(check.filesystem) && isFailure(check.verdict.state))
      return [
        `${line} → alert only: nothing to run (filesystem_failing is told at ${check.threshold} consecutive failures)`,
      ];
    return [
      `${line} → ${check.guard?.kind === 'backoff' ? 'no recovery yet: it waits for its backoff' : quietDecision(check.verdict.state, check.threshold)}`,
    ];
  });
}

function formatProcessPreview(preview: ProcessPreview): string[] {
  if (preview.kind === 'disabled') return [`${preview.process.key}: disabled (enabled is false) → not checked`];
  const { check } = preview;
  const line = describeCheck(check);
  const usage = usageLines(check);
  switch (preview.kind) {
    case 'no_recovery':
      return [
        `${line} → ${check.guard?.kind === 'backoff' ? 'no recovery yet: it waits for its backoff' : quietDecision(check.verdict.state, check.threshold)}`,
        ...usage,
      ];
    case 'refused':
      // The line is escaped already; the reason quotes what the heartbeat said.
      return [`${line} → its recovery is due but would be refused: ${escapeUntrustedLine(preview.why)}`, ...usage];
    case 'recovery':
      return [`${line} → would run its recovery:`, ...usage, ...formatActionPreviews(preview.actions)];
  }
}

/** `  usage: memory 87 MB, cpu 12% (app alone, PID 42): under its limits (max_memory_mb 500)`, for a process with limits. */
function usageLines(check: ProcessCheck): string[] {
  const { limits, process } = check;
  if (limits === undefined || !hasLimits(process)) return [];
  const set = [
    process.max_memory_mb === undefined ? undefined : `max_memory_mb ${process.max_memory_mb}`,
    process.max_cpu_percent === undefined ? undefined : `max_cpu_percent ${process.max_cpu_percent}`,
  ].filter((limit) => limit !== undefined);
  const verdict = limits.judgement.over
    ? `over a limit (${set.join(', ')})`
    : limits.measured?.judged === true
      ? `under its limits (${set.join(', ')})`
      : `limits not judged: only a healthy heartbeat's app is (${set.join(', ')})`;
  return [`  usage: ${describeUsage(limits)}: ${verdict}`];
}

function quietDecision(state: string, threshold: number): string {
  switch (state) {
    case 'healthy':
      return 'nothing to do';
    case 'off':
      return 'not recovered while off (`watchdog on` turns it back on)';
    case 'starting':
      return 'nothing to do while it comes up';
    case 'gave_up':
      return 'not recovered: the crash-loop guard gave up on it (`watchdog on` or `watchdog reset` resumes recoveries)';
    case 'check_error':
      return 'nothing to do: it could not be checked, the count stays as it is';
    default:
      return `no recovery yet (due at ${threshold} consecutive failures)`;
  }
}
