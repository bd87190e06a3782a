import { escapeUntrustedLine } from './escape-untrusted.js';
import { cutText, textWidth } from './fit-text.js';
import { paint, type Style } from './paint.js';

/** A piece of a line, shown in a style when colour is on. */
export interface Segment {
  text: string;
  style?: Style | undefined;
}

/**
 * One line from its pieces: each escaped to one line ({@link escapeUntrustedLine}), cut
 * with `…` where the line reaches `width` (`undefined`: whole), then painted, so colour
 * never counts as width and a cut never splits an escape. Pure.
 *
 * @example
 * renderSegments([{ text: 'checked 1 process: ' }, { text: '1 healthy', style: 'green' }], { width: 80, color: false });
 * // 'checked 1 process: 1 healthy'
 */
export function renderSegments(
  segments: readonly Segment[],
  { width, color }: { width: number | undefined; color: boolean },
): string {
  const pieces = segments.map((segment) => ({ text: escapeUntrustedLine(segment.text), style: segment.style }));
  const whole = (): string => pieces.map((piece) => paint(piece.text, piece.style, color)).join('');
  if (width === undefined || textWidth(pieces.map((piece) => piece.text).join('')) <= width) return whole();
  let line = '';
  let room = width;
  for (const piece of pieces) {
    const pieceWidth = textWidth(piece.text);
    // Whole only while a column is left for the `…` that says the rest is cut.
    if (pieceWidth < room) {
      line += paint(piece.text, piece.style, color);
      room -= pieceWidth;
      continue;
    }
    return `${line}${paint(cutText(piece.text, room), piece.style, color)}`;
  }
  return line;
}
