import type { EventKind } from '../event-kinds.js';
import type { DetailValue } from '../watchdog-event.js';

/**
 * What an event does to its subject's incident:
 * - `open`: none is open, so this event opens one (a new id), and carries it;
 * - `carry`: it carries the open one's id (`recoveryId`: the recovery whose start is now
 *   the incident's last success, `null` none; absent: unchanged);
 * - `close`: it carries the open one's id and closes it;
 * - `none`: no incident concerns it; raised as it is;
 * - `drop`: it closes or reminds of an incident that is not open (closed already, by the
 *   run that raised it before being killed): not raised, so it is never told twice.
 */
export type IncidentStep =
  | { kind: 'open' }
  | { kind: 'carry'; recoveryId?: number | null }
  | { kind: 'close' }
  | { kind: 'none' }
  | { kind: 'drop' };

export interface IncidentFacts {
  kind: EventKind;
  /** Whether the event is about an interface (else a process or file system entry; a zone has none). */
  subject: 'process' | 'interface' | 'zone';
  details: Readonly<Record<string, DetailValue | undefined>>;
  /** Whether the subject has an incident open. */
  open: boolean;
}

/**
 * How an event takes part in its subject's incident (docs/notifications.md, "Incidents").
 * A process's incident is opened by the first event about its failure: cron's
 * `recovery_started` (a person's `restart` of a working app is no failure), a
 * `recovery_failed` (a person's too: the app is likely down after it), `recovery_refused`
 * or `gave_up`; `process_recovered` closes it, and so does `process_off` (a person took
 * over). An interface's is opened by `network_degraded` and closed by `network_healed`.
 * Pure.
 */
export function decideIncidentStep({ kind, subject, details, open }: IncidentFacts): IncidentStep {
  const carry: IncidentStep = open ? { kind: 'carry' } : { kind: 'none' };
  const openOr = (step: IncidentStep): IncidentStep => (open ? step : { kind: 'open' });
  if (subject === 'zone') return { kind: 'none' };
  if (subject === 'interface') {
    switch (kind) {
      case 'network_degraded':
        return openOr({ kind: 'carry' });
      case 'network_healed':
        return open ? { kind: 'close' } : { kind: 'none' };
      case 'reboot_done':
      case 'reboot_failed':
      case 'reboot_suppressed':
        return carry;
      default:
        return { kind: 'none' };
    }
  }
  switch (kind) {
    case 'recovery_started':
      // A new attempt: the start before it did not heal the app.
      if (details.kind === 'recovery') return openOr({ kind: 'carry', recoveryId: null });
      return open ? { kind: 'carry', recoveryId: null } : { kind: 'none' };
    case 'recovery_failed':
      return openOr({ kind: 'carry', recoveryId: null });
    case 'recovery_refused':
    case 'gave_up':
      return openOr({ kind: 'carry' });
    case 'recovery_succeeded':
      return open && typeof details.recovery_id === 'number'
        ? { kind: 'carry', recoveryId: details.recovery_id }
        : carry;
    case 'process_on':
      // `on` that started the app: that start is what heals it, if it comes up.
      return open && typeof details.recovery_id === 'number'
        ? { kind: 'carry', recoveryId: details.recovery_id }
        : carry;
    case 'process_off':
      return open ? { kind: 'close' } : { kind: 'none' };
    case 'process_recovered':
      return open ? { kind: 'close' } : { kind: 'drop' };
    case 'process_still_down':
      return open ? { kind: 'carry' } : { kind: 'drop' };
    default:
      return { kind: 'none' };
  }
}
