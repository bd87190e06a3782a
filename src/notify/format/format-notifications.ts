import type { NotificationRow } from '../queue/notification-rows.js';
import { renderTable } from '../../display/render-table.js';

/** `history --notifications`: each event per channel and how its delivery stands, newest first. */
export function formatNotifications(rows: readonly NotificationRow[]): string[] {
  return renderTable(
    ['ID', 'AT', 'CHANNEL', 'EVENT', 'ABOUT', 'STATE', 'TRIES', 'DETAIL'],
    rows.map((row) => [
      String(row.id),
      row.created_at,
      row.channel,
      row.event,
      row.subject === '' ? '-' : row.subject,
      row.state,
      String(row.attempts),
      row.state === 'delivered' ? `delivered ${row.delivered_at ?? ''}` : (row.last_error ?? ''),
    ]),
  );
}
