/**
 * Escaping of text that someone other than root chose (an app's output, a heartbeat's
 * fields, a command's output, a system error naming a file an app made) before a person
 * reads it in a terminal or in `watchdog.log`. Printed raw, such text can set the
 * terminal's title, clear the screen, hide what follows (`ESC [8m`), or make a line
 * read differently from its bytes. The database keeps the raw text; only what is shown
 * is escaped.
 *
 * What is escaped, much as journald shows it (`journalctl`, systemd's
 * `utf8_escape_non_printable`), with lower-case hex:
 *
 * - C0 controls U+0000–U+001F → `\xNN` (ESC is `\x1b`, so an escape sequence becomes
 *   inert text); newline and tab are kept by {@link escapeUntrusted}, escaped as `\x0a`
 *   and `\x09` by {@link escapeUntrustedLine}.
 * - DEL U+007F → `\x7f`.
 * - C1 controls U+0080–U+009F → `\u0080`…`\u009f`: some terminals act on them
 *   without an ESC (U+009B is CSI, U+009D is OSC). journald shows their UTF-8 bytes
 *   (`\xc2\x9b`); the code point reads better and is what JSON would write.
 * - Every Unicode `Bidi_Control` character (U+061C, U+200E, U+200F, U+202A–U+202E,
 *   U+2066–U+2069) and the line and paragraph separators U+2028 and U+2029 →
 *   `\u202e` style: a terminal that does bidirectional layout shows a line holding them
 *   in another order than its bytes ("Trojan Source", CVE-2021-42574), and a separator
 *   may be shown as a line break, forging a line.
 *
 * A backslash is left as it is, as journald leaves it: text that already reads `\x1b`
 * is shown the same as an escaped ESC. That is ambiguous to a reader, but harmless:
 * the terminal acts on neither, and the raw bytes are in the database.
 *
 * @module
 */

// One pattern per variant, each with a global twin for the replacement: `test` on a
// non-global pattern keeps no state between calls, so the healthy path is one scan.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_IN_TEXT = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_IN_TEXT_ALL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_IN_LINE = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_IN_LINE_ALL = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
// JSON.stringify already writes every C0 control as an escape (`\n`, `\u001b`): what it
// leaves raw is DEL, C1 and the bidirectional controls and separators.
const UNSAFE_IN_JSON_ALL = /[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/** `\x1b` for an ASCII control, `\u009b` for any other character. */
function escapeCharacter(character: string): string {
  const code = character.charCodeAt(0);
  return code < 0x80 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `\u007f` style, the escape JSON itself defines, for any character. */
function escapeJsonCharacter(character: string): string {
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * Untrusted text that may hold several lines (an output tail), escaped for a terminal:
 * every control character but newline and tab, and the bidirectional controls (see the
 * module's notes). Text with nothing to escape is returned as it is, after one scan.
 *
 * @example
 * escapeUntrusted('ok\n\x1b]0;pwned\x07'); // 'ok\n\\x1b]0;pwned\\x07'
 */
export function escapeUntrusted(text: string): string {
  return UNSAFE_IN_TEXT.test(text) ? text.replace(UNSAFE_IN_TEXT_ALL, escapeCharacter) : text;
}

/**
 * Untrusted text escaped to stay on one line: as {@link escapeUntrusted}, and newline
 * (`\x0a`) and tab (`\x09`) too, so an app cannot forge a line of its own in
 * `watchdog.log` or on standard error, or break a table's columns.
 *
 * @example
 * escapeUntrustedLine('bad\n2026-01-01T00:00:00Z info  all is well'); // 'bad\\x0a2026-…'
 */
export function escapeUntrustedLine(text: string): string {
  return UNSAFE_IN_LINE.test(text) ? text.replace(UNSAFE_IN_LINE_ALL, escapeCharacter) : text;
}

/**
 * JSON text (as `JSON.stringify` writes it) made safe for a terminal with JSON's own
 * escapes: DEL, C1 and the bidirectional controls and separators, which `JSON.stringify`
 * leaves raw, become `\u007f` style. Such characters can only stand inside a string of
 * the JSON text, so the result is valid JSON of the same value.
 *
 * @example
 * escapeUntrustedJson(JSON.stringify({ status: '\u009b2J' })); // '{"status":"\\u009b2J"}'
 */
export function escapeUntrustedJson(json: string): string {
  return json.replace(UNSAFE_IN_JSON_ALL, escapeJsonCharacter);
}
