import stringWidth from 'string-width';

/**
 * Widths and cuts of text already escaped for a terminal ({@link escapeUntrustedLine}), in
 * the columns a terminal gives it: a CJK character or an emoji takes two, a combining mark
 * none (string-width). A cut never splits an escape the text holds (`\x1b`, `\u202e`) nor a
 * character of several code points, so what an app wrote stays escaped however it is cut.
 *
 * @module
 */

const ELLIPSIS = '…';
// The escapes escapeUntrusted writes, kept whole; any other character is a grapheme of its own.
const ESCAPE = /^\\(?:x[0-9a-f]{2}|u[0-9a-f]{4})/;

let graphemes: Intl.Segmenter | undefined;

/** The text in the pieces a cut may fall between: whole escapes and whole graphemes. */
function unitsOf(text: string): string[] {
  graphemes ??= new Intl.Segmenter();
  const units: string[] = [];
  let plain = '';
  const flush = (): void => {
    for (const { segment } of graphemes?.segment(plain) ?? []) units.push(segment);
    plain = '';
  };
  for (let index = 0; index < text.length;) {
    const escape = text[index] === '\\' ? ESCAPE.exec(text.slice(index, index + 6)) : null;
    if (escape === null) {
      plain += text[index];
      index += 1;
      continue;
    }
    flush();
    units.push(escape[0]);
    index += escape[0].length;
  }
  flush();
  return units;
}

/** The columns `text` takes in a terminal. Pure. */
export function textWidth(text: string): number {
  return stringWidth(text);
}

/**
 * `text` in at most `width` columns: as it is when it fits, else cut at its end and ended
 * with `…`. Pure.
 *
 * @example
 * fitText('last heartbeat 95s ago, timeout 60s', 20); // 'last heartbeat 95s …'
 * fitText('bad \\x1b[2J here', 6); // 'bad …', never 'bad \\…'
 */
export function fitText(text: string, width: number): string {
  return textWidth(text) <= width ? text : cutText(text, width);
}

/**
 * `text` cut to at most `width` columns that end with `…`, whether it would fit or not: for
 * the last piece of a line whose rest is left out. Pure.
 */
export function cutText(text: string, width: number): string {
  if (width < 1) return '';
  let kept = '';
  let used = 0;
  for (const unit of unitsOf(text)) {
    const unitWidth = textWidth(unit);
    if (used + unitWidth > width - 1) break;
    kept += unit;
    used += unitWidth;
  }
  return `${kept}${ELLIPSIS}`;
}

/**
 * `text` in at most `width` columns, cut at its start: the end of a path says more than its
 * beginning. Pure.
 *
 * @example
 * fitTextStart('/srv/devices/gateway-7/watchdog/config.json', 20); // '…watchdog/config.json'
 */
export function fitTextStart(text: string, width: number): string {
  if (textWidth(text) <= width) return text;
  if (width < 1) return '';
  let kept = '';
  let used = 0;
  for (const unit of unitsOf(text).reverse()) {
    const unitWidth = textWidth(unit);
    if (used + unitWidth > width - 1) break;
    kept = `${unit}${kept}`;
    used += unitWidth;
  }
  return `${ELLIPSIS}${kept}`;
}

/** `text` padded with spaces at its end to `width` columns (as it is when wider). Pure. */
export function padText(text: string, width: number): string {
  const missing = width - textWidth(text);
  return missing > 0 ? `${text}${' '.repeat(missing)}` : text;
}
