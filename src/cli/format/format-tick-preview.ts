import type { WatchdogConfig } from '../../config/types.js';
import { escapeUntrustedLine } from '../../display/escape-untrusted.js';
import { describeCheck } from '../../tick/describe-check.js';
import type { ProcessPreview } from '../../tick/preview-tick.js';
import { formatActionPreviews } from './format-action-previews.js';

/**
 * `check --dry-run`'s lines before the network part: the config's warnings, and a line per
 * process with the actions it would run (network/format/format-network-preview.ts tells the rest).
 */
export function formatTickPreview(
  config: Pick<WatchdogConfig, 'config_path'>,
  warnings: readonly string[],
  processes: readonly ProcessPreview[],
): string[] {
  const lines = [`dry run of ${config.config_path}: nothing is run, recorded or logged`];
  for (const warning of warnings) lines.push(`config warning: ${warning}`);
  for (const process of processes) lines.push(...formatProcessPreview(process));
  return lines;
}

function formatProcessPreview(preview: ProcessPreview): string[] {
  if (preview.kind === 'disabled') return [`${preview.process.key}: disabled (enabled is false) → not checked`];
  const { check } = preview;
  const line = describeCheck(check);
  switch (preview.kind) {
    case 'no_recovery':
      return [
        `${line} → ${check.guard?.kind === 'backoff' ? 'no recovery yet: it waits for its backoff' : quietDecision(check.verdict.state, check.threshold)}`,
      ];
    case 'refused':
      // The line is escaped already; the reason quotes what the heartbeat said.
      return [`${line} → its recovery is due but would be refused: ${escapeUntrustedLine(preview.why)}`];
    case 'recovery':
      return [`${line} → would run its recovery:`, ...formatActionPreviews(preview.actions)];
  }
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
