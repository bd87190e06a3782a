import type { EventKind } from '../event-kinds.js';

/** How an event reads at a glance, for the colour of a chat message: bad, worth a look, good again, or news. */
export type Severity = 'danger' | 'warning' | 'good' | 'info';

const BY_KIND: Partial<Record<EventKind, Severity>> = {
  recovery_failed: 'danger',
  gave_up: 'danger',
  network_degraded: 'danger',
  reboot_failed: 'danger',
  thermal_critical: 'danger',
  filesystem_failing: 'danger',
  process_still_down: 'danger',
  recovery_started: 'warning',
  recovery_refused: 'warning',
  process_off: 'warning',
  reboot_done: 'warning',
  reboot_suppressed: 'warning',
  thermal_warning: 'warning',
  thermal_unreadable: 'warning',
  recovery_succeeded: 'good',
  process_recovered: 'good',
  process_on: 'good',
  network_healed: 'good',
  thermal_normal: 'good',
  filesystem_healthy: 'good',
};

/**
 * The severity of an event. One not in the table (a kind added later) is judged by its
 * name (`…_failed` bad, `…_recovered` good), else it is news. Pure.
 */
export function severityOf(event: string): Severity {
  const known = (BY_KIND as Record<string, Severity | undefined>)[event];
  if (known !== undefined) return known;
  if (/(_failed|_failing|_critical|_degraded|gave_up)$/.test(event)) return 'danger';
  if (/(_succeeded|_recovered|_healed|_healthy|_normal)$/.test(event)) return 'good';
  return 'info';
}
