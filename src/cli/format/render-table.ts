import { escapeUntrustedLine } from '../../display/escape-untrusted.js';

/**
 * Plain text columns, padded to the widest cell; the last column is left ragged so long
 * reasons do not pad every line. Every cell is escaped to one line first
 * ({@link escapeUntrustedLine}): cells hold reasons, details and errors that apps shaped,
 * and a newline, tab or escape sequence in one would break the table or act on the terminal.
 */
export function renderTable(header: readonly string[], untrustedRows: readonly (readonly string[])[]): string[] {
  const rows = untrustedRows.map((row) => row.map(escapeUntrustedLine));
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
