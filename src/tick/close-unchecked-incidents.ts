import type { WatchdogConfig } from '../config/types.js';
import type { RaiseEvent } from '../notify/watchdog-event.js';
import { readOpenProcessIncidents } from '../store/incidents.js';
import type { Store } from '../store/open-store.js';

/**
 * Closes the incident of each process (or file system entry) the config no longer has
 * checked, disabled (`enabled: false`) or removed, with `process_off` carrying its id, as a
 * person's `off` does: a person took it out of the watchdog's hands, and a pager must not
 * keep an incident open for an app that is not watched. So too for a process or file system
 * entry that is `off` with an incident still open: an `off` killed after it was recorded
 * and before it told. Nothing is read beyond the open incidents, and nothing written when
 * none is open.
 */
export function closeUncheckedIncidents(
  config: Pick<WatchdogConfig, 'processes' | 'filesystems'>,
  at: string,
  db: Store,
  raise: RaiseEvent,
): void {
  const open = readOpenProcessIncidents(db);
  if (open.size === 0) return;
  const subjects = [...config.processes, ...config.filesystems];
  for (const [key, incident] of open) {
    const subject = subjects.find((candidate) => candidate.key === key);
    const { off } = incident;
    if (subject?.enabled === true && !off) continue;
    const why = subject === undefined ? 'removed from the config' : off ? 'turned off' : 'disabled in the config';
    raise({
      kind: 'process_off',
      at,
      processKey: key,
      displayName: subject?.display_name,
      summary: `${key}: no longer checked (${why}); its incident ${incident.id} is closed`,
      details: { requested_by: off ? 'watchdog' : 'config', command: 'check', result: why },
    });
  }
}
