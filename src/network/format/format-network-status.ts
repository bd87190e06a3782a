import { escapeUntrustedLine } from '../../display/escape-untrusted.js';
import type { NetworkStatus } from '../status/build-network-status.js';
import { formatSeconds } from '../../time/format-duration.js';
import { formatCount } from '../../display/format-count.js';

/**
 * The uplink's part of `watchdog status`, a few lines, each escaped to one line
 * ({@link escapeUntrustedLine}): the link's reason can carry a command's or the system's words.
 */
export function formatNetworkStatus(status: NetworkStatus): string[] {
  // failing_since dates the run of failures; a check_error in the middle of one is not its start.
  const failing = status.state !== 'up' && status.state !== 'check_error' && status.state !== 'unknown';
  const since = failing && status.failing_since !== null ? ` since ${shortTime(status.failing_since)}` : '';
  const lines = [`network ${status.interface}: ${status.state}${since}: ${status.reason ?? ''}`.trimEnd()];
  const checked = status.last_check_at === null ? 'never checked' : `checked ${shortTime(status.last_check_at)}`;
  lines.push(`  failures: ${status.consecutive_failures} (ladder at ${status.threshold}); ${checked}`);
  const ladder =
    status.last_ladder === null
      ? 'never ran'
      : `last run ${shortTime(status.last_ladder.at)}: ${status.last_ladder.outcome ?? '?'}`;
  const healed = status.last_healed_by === null ? '' : `; last healed by ${status.last_healed_by}`;
  lines.push(
    `  ladder: ${ladder}; ${formatCount(status.failed_ladder_runs, 'consecutive failed run')}, a reboot is considered from ${status.max_failures}${healed}`,
  );
  lines.push(`  reboot: ${describeReboot(status.reboot)}`);
  return lines.map(escapeUntrustedLine);
}

function describeReboot(reboot: NetworkStatus['reboot']): string {
  if (!reboot.configured) return 'not configured (network.reboot): the watchdog never reboots';
  const last =
    reboot.last_reboot_at === null
      ? 'none made yet'
      : `last ${shortTime(reboot.last_reboot_at)} (${reboot.last_reboot_outcome ?? '?'}${reboot.last_reboot_in_this_boot === true ? ', in this boot: the device did not go down' : ''})`;
  const cooldown =
    reboot.cooldown_left_seconds > 0
      ? `cooldown ${formatSeconds(reboot.cooldown_left_seconds)} left`
      : 'no cooldown running';
  return `${last}; ${reboot.reboots_last_24h} of at most ${reboot.max_per_day ?? '?'} in the last 24h; ${cooldown}`;
}

function shortTime(timestamp: string): string {
  return `${timestamp.slice(0, 19).replace('T', ' ')} UTC`;
}
