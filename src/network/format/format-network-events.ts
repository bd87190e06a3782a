import type { NetworkEventRow } from '../store/read-network-events.js';
import { renderTable } from '../../display/render-table.js';

/** `watchdog history --network` as a table, newest first as given. */
export function formatNetworkEvents(rows: readonly NetworkEventRow[]): string[] {
  return renderTable(
    ['AT (UTC)', 'BOOT', 'INTERFACE', 'EVENT', 'LADDER', 'RUNG/GUARD', 'OUTCOME', 'DETAIL'],
    rows.map((row) => [
      row.at.slice(0, 19).replace('T', ' '),
      row.boot_id === null ? '-' : row.boot_id.slice(0, 8),
      row.interface,
      row.kind,
      row.kind === 'ladder_start' ? `#${row.id}` : row.ladder_id === null ? '-' : `#${row.ladder_id}`,
      row.rung ?? '-',
      row.outcome ?? '-',
      row.detail ?? '',
    ]),
  );
}
