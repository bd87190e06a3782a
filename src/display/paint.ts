import { escapeUntrusted } from './escape-untrusted.js';

/**
 * Colour for a terminal: the few SGR sequences the watchdog writes, and the last guard's
 * way of letting exactly those through. Text is painted after it was escaped, so an app's
 * own escape sequences are inert text (`\x1b[31m`) before any colour is added.
 *
 * @module
 */

export type Style = 'green' | 'red' | 'yellow' | 'dim' | 'bold';

/** Each style's opening sequence and the one that ends it, leaving other styles as they are. */
const SGR: Readonly<Record<Style, readonly [string, string]>> = {
  green: ['\u001b[32m', '\u001b[39m'],
  red: ['\u001b[31m', '\u001b[39m'],
  yellow: ['\u001b[33m', '\u001b[39m'],
  dim: ['\u001b[2m', '\u001b[22m'],
  bold: ['\u001b[1m', '\u001b[22m'],
};

// The sequences above and nothing else: a colour, its end, weight and its end.
// eslint-disable-next-line no-control-regex -- matching the escape character is the point
const OWN_SEQUENCE = /(\u001b\[(?:3[123]|39|2|1|22)m)/;

/**
 * `text` in `style` when `color` is on, else as it is. Pure.
 *
 * @example
 * paint('healthy', 'green', true); // '\x1b[32mhealthy\x1b[39m'
 */
export function paint(text: string, style: Style | undefined, color: boolean): string {
  if (!color || style === undefined || text === '') return text;
  const [open, close] = SGR[style];
  return `${open}${text}${close}`;
}

/**
 * As {@link escapeUntrusted}, but the watchdog's own colour sequences (those {@link paint}
 * writes) are kept: the bin's last guard when colour is on. Any other control character,
 * and so any other escape sequence, is escaped as always. Pure.
 */
export function escapeUntrustedKeepingPaint(line: string): string {
  return line
    .split(OWN_SEQUENCE)
    .map((part, index) => (index % 2 === 1 ? part : escapeUntrusted(part)))
    .join('');
}
