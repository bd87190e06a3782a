import { join } from 'node:path';
import { findUnsafePath, type UnsafePathOptions } from '../system/find-unsafe-path.js';
import { processPathTrust, type PathTrust } from '../system/path-trust.js';
import type { WatchdogConfig } from './types.js';

/**
 * Where the watchdog keeps its state must be as safe as the config: a lock in a folder
 * anyone may write (the Python tool's /tmp) can be taken by any user, silently disabling
 * the watchdog, and an audit database or journal there can be swapped.
 *
 * @returns one `setting: problem` line per unsafe location.
 */
export function checkStateLocations(
  config: Pick<WatchdogConfig, 'db_path' | 'lock_path' | 'journal_path'> &
    Partial<Pick<WatchdogConfig, 'fallback_journal_path'>> &
    Partial<Pick<WatchdogConfig, 'log_dir' | 'metrics'>>,
  trust: PathTrust = processPathTrust(),
): string[] {
  const problems: string[] = [];
  const locations: [string, string, UnsafePathOptions][] = [
    ['db_path', config.db_path, {}],
    ['journal_path', config.journal_path, {}],
    ['lock_path', config.lock_path, {}],
  ];
  if (config.fallback_journal_path !== undefined)
    locations.push(['fallback_journal_path', config.fallback_journal_path, {}]);
  if (config.log_dir !== undefined) locations.push(['log_dir', join(config.log_dir, 'watchdog.log'), {}]);
  // Written from a descriptor of its folder, so only that folder must be safe: a folder of
  // another user's above it (Debian's /var/lib/prometheus) does no harm.
  if (config.metrics !== undefined)
    locations.push(['metrics.textfile_path', config.metrics.textfile_path, { ancestors: false }]);
  for (const [setting, path, options] of locations) {
    const problem = findUnsafePath(path, trust, options);
    if (problem !== undefined) problems.push(`${setting}: ${problem}`);
  }
  return [...new Set(problems)];
}
