import { escapeUntrusted } from '../../display/escape-untrusted.js';

/**
 * Text an app or a heartbeat may have chosen (a summary quotes a heartbeat's status, a
 * command's output), made fit to show in a chat message before any markup is escaped:
 * lone surrogates (what invalid UTF-8 leaves) become U+FFFD, and control characters and
 * the bidirectional controls become visible escapes (`\x1b`), newline and tab kept.
 */
export function plainTextOf(text: string): string {
  return escapeUntrusted(text.replace(LONE_SURROGATE, '\uFFFD'));
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * `text` escaped one character at a time by `escape`, cut to at most `maxLength` UTF-16
 * code units (so at most as many characters, however a service counts them) with `…` at
 * the cut. Cut between characters, never inside an escape or a surrogate pair.
 *
 * @example fitEscaped('a<b<c', (c) => (c === '<' ? '&lt;' : c), 8); // 'a&lt;b…'
 */
export function fitEscaped(text: string, escape: (character: string) => string, maxLength: number): string {
  const pieces: string[] = [];
  let length = 0;
  for (const character of text) {
    const piece = escape(character);
    if (length + piece.length > maxLength) {
      // Room for the ellipsis: whole pieces are dropped, never part of one.
      while (pieces.length > 0 && length + 1 > maxLength) length -= pieces.pop()?.length ?? 0;
      return `${pieces.join('')}…`;
    }
    pieces.push(piece);
    length += piece.length;
  }
  return pieces.join('');
}
