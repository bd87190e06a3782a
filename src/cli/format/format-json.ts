import { escapeUntrustedJson } from '../../display/escape-untrusted.js';

/**
 * What `--json` prints: the value indented by two, with the characters `JSON.stringify`
 * leaves raw (DEL, C1 and bidirectional controls, U+2028/U+2029) written as `\u009b`
 * escapes ({@link escapeUntrustedJson}). The rows hold what apps and commands wrote, raw as
 * the database keeps it; `JSON.parse` gives it back unchanged.
 */
export function formatJson(value: unknown): string {
  return escapeUntrustedJson(JSON.stringify(value, null, 2));
}
