import { escapeUntrustedLine } from './escape-untrusted.js';
import { cutText, fitText, textWidth } from './fit-text.js';
import { paint, type Style } from './paint.js';

/** A cell shown in a style when colour is on. */
export interface StyledCell {
  text: string;
  style: Style | undefined;
}

export type TableCell = string | StyledCell;

export interface TableOptions {
  /** The terminal's width: each line is cut to it (the last column first); `undefined`: lines are whole. */
  width?: number | undefined;
  /** Columns no wider than this, cut with `…` (`undefined`: as wide as their widest cell). */
  maxWidths?: readonly (number | undefined)[];
  /** Paint styled cells. Default: off. */
  color?: boolean;
}

/**
 * Plain text columns, padded to the widest cell; the last column is left ragged so long
 * reasons do not pad every line. Every cell is escaped to one line first
 * ({@link escapeUntrustedLine}): cells hold reasons, details and errors that apps shaped,
 * and a newline, tab or escape sequence in one would break the table or act on the terminal.
 * Widths are terminal columns, so a wide character does not push the columns out of line;
 * colour is added after padding and cutting, so it never counts as width.
 */
export function renderTable(
  header: readonly string[],
  untrustedRows: readonly (readonly TableCell[])[],
  options: TableOptions = {},
): string[] {
  const cellOf = (cell: TableCell, column: number): StyledCell => {
    const { text, style } = typeof cell === 'string' ? { text: cell, style: undefined } : cell;
    const escaped = escapeUntrustedLine(text);
    const max = options.maxWidths?.[column];
    return { text: max === undefined ? escaped : fitText(escaped, max), style };
  };
  const rows = [
    header.map((title) => ({ text: title, style: undefined })),
    ...untrustedRows.map((row) => row.map(cellOf)),
  ];
  const widths = header.map((_, column) => Math.max(...rows.map((row) => textWidth(row[column]?.text ?? ''))));
  const color = options.color === true;
  const line = (cells: readonly StyledCell[]): string => {
    let text = '';
    let used = 0;
    for (const [column, cell] of cells.entries()) {
      const gap = column === 0 ? '' : '  ';
      const last = column === cells.length - 1;
      const room = options.width === undefined ? Infinity : options.width - used - gap.length;
      const wanted = last ? textWidth(cell.text) : (widths[column] ?? 0);
      if (wanted > room) {
        // The last cell that fits in part, cut with `…`, which also says the columns after it are left out.
        text += `${gap}${paint(cutText(cell.text, room), cell.style, color)}`;
        break;
      }
      const padding = last ? '' : ' '.repeat(Math.max(0, wanted - textWidth(cell.text)));
      text += `${gap}${paint(cell.text, cell.style, color)}${padding}`;
      used += gap.length + wanted;
    }
    return text.trimEnd();
  };
  return rows.map(line);
}
