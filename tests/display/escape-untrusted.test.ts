import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeUntrusted, escapeUntrustedJson, escapeUntrustedLine } from '../../src/display/escape-untrusted.js';

/** [what, input, escapeUntrusted's result, escapeUntrustedLine's result] */
const CASES: Array<[string, string, string, string]> = [
  ['the empty string', '', '', ''],
  ['plain ASCII', 'heartbeat 2s ago, iteration 5', 'heartbeat 2s ago, iteration 5', 'heartbeat 2s ago, iteration 5'],
  ['a window-title sequence (OSC ... BEL)', '\u001b]0;pwned\u0007', '\\x1b]0;pwned\\x07', '\\x1b]0;pwned\\x07'],
  ['a screen clear (CSI 2J)', 'a\u001b[2Jb', 'a\\x1b[2Jb', 'a\\x1b[2Jb'],
  ['hidden text (SGR 8)', '\u001b[8mhidden\u001b[0m', '\\x1b[8mhidden\\x1b[0m', '\\x1b[8mhidden\\x1b[0m'],
  ['a string of only ESC', '\u001b\u001b\u001b', '\\x1b\\x1b\\x1b', '\\x1b\\x1b\\x1b'],
  [
    'NUL, backspace, vertical tab, form feed',
    'a\u0000b\u0008c\u000bd\u000ce',
    'a\\x00b\\x08c\\x0bd\\x0ce',
    'a\\x00b\\x08c\\x0bd\\x0ce',
  ],
  ['carriage return (overwrites the line on a terminal)', 'ok\rFAKE', 'ok\\x0dFAKE', 'ok\\x0dFAKE'],
  ['the last C0 control', '\u001f', '\\x1f', '\\x1f'],
  ['newline and tab: kept in text, escaped on a line', 'one\ttwo\nthree', 'one\ttwo\nthree', 'one\\x09two\\x0athree'],
  [
    'a forged log line',
    'x\n2026-01-01T00:00:00.000Z info  all is well',
    'x\n2026-01-01T00:00:00.000Z info  all is well',
    'x\\x0a2026-01-01T00:00:00.000Z info  all is well',
  ],
  ['DEL', 'a\u007fb', 'a\\x7fb', 'a\\x7fb'],
  ['the first and last C1 controls', '\u0080\u009f', '\\u0080\\u009f', '\\u0080\\u009f'],
  [
    'C1 CSI, OSC and NEL (act without ESC on some terminals)',
    '\u009b2J\u009d0;t\u0085',
    '\\u009b2J\\u009d0;t\\u0085',
    '\\u009b2J\\u009d0;t\\u0085',
  ],
  ['a right-to-left override (Trojan Source)', 'ok \u202egnp.exe', 'ok \\u202egnp.exe', 'ok \\u202egnp.exe'],
  [
    'every embedding and override',
    '\u202a\u202b\u202c\u202d\u202e',
    '\\u202a\\u202b\\u202c\\u202d\\u202e',
    '\\u202a\\u202b\\u202c\\u202d\\u202e',
  ],
  ['every isolate', '\u2066\u2067\u2068\u2069', '\\u2066\\u2067\\u2068\\u2069', '\\u2066\\u2067\\u2068\\u2069'],
  ['the bidi marks (LRM, RLM, ALM)', '\u200e\u200f\u061c', '\\u200e\\u200f\\u061c', '\\u200e\\u200f\\u061c'],
  ['the line and paragraph separators', 'a\u2028b\u2029c', 'a\\u2028b\\u2029c', 'a\\u2028b\\u2029c'],
  [
    'printable Latin-1 right after C1 (no-break space, é)',
    '\u00a0caf\u00e9 \u00ff',
    '\u00a0caf\u00e9 \u00ff',
    '\u00a0caf\u00e9 \u00ff',
  ],
  [
    'characters next to the bidi ranges (ZWJ, en dash, ‰, word joiner)',
    '\u200d\u2013\u2030\u2060\u206a',
    '\u200d\u2013\u2030\u2060\u206a',
    '\u200d\u2013\u2030\u2060\u206a',
  ],
  [
    'multi-byte UTF-8 beside an escape',
    'über ✓ 日本 😀\u001b[2J 😀',
    'über ✓ 日本 😀\\x1b[2J 😀',
    'über ✓ 日本 😀\\x1b[2J 😀',
  ],
  [
    'already-escaped text stays as it is (backslash is not escaped)',
    '\\x1b[2J \\u009b C:\\path',
    '\\x1b[2J \\u009b C:\\path',
    '\\x1b[2J \\u009b C:\\path',
  ],
];

describe('escapeUntrusted and escapeUntrustedLine', () => {
  for (const [what, input, text, line] of CASES) {
    it(what, () => {
      assert.equal(escapeUntrusted(input), text, 'escapeUntrusted');
      assert.equal(escapeUntrustedLine(input), line, 'escapeUntrustedLine');
    });
  }

  it('escapes every C0 control, DEL and C1 control, and nothing else below U+0100 (but newline and tab in text)', () => {
    for (let code = 0; code < 0x100; code += 1) {
      const character = String.fromCharCode(code);
      const control = code < 0x20 || (code >= 0x7f && code <= 0x9f);
      const hex = code.toString(16).padStart(2, '0');
      const escaped = code < 0x80 ? `\\x${hex}` : `\\u00${hex}`;
      assert.equal(escapeUntrustedLine(character), control ? escaped : character, `U+${hex} on a line`);
      const keptInText = code === 0x0a || code === 0x09;
      assert.equal(escapeUntrusted(character), control && !keptInText ? escaped : character, `U+${hex} in text`);
    }
  });

  it("escapes exactly Unicode's Bidi_Control characters, U+2028 and U+2029 above U+00FF in the BMP", () => {
    const expected = /[\p{Bidi_Control}\u2028\u2029]/u;
    for (let code = 0x100; code <= 0xffff; code += 1) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const character = String.fromCharCode(code);
      const escaped = expected.test(character);
      assert.equal(escapeUntrustedLine(character) !== character, escaped, `U+${code.toString(16)}`);
      assert.equal(escapeUntrusted(character) !== character, escaped, `U+${code.toString(16)}`);
    }
  });

  it('leaves no character a terminal acts on, and is idempotent', () => {
    const hostile = '\u001b]0;pwned\u0007\u001b[2J\u009b\u202e\r\n\t\u0000\u007f\u2028';
    for (const escape of [escapeUntrusted, escapeUntrustedLine]) {
      const once = escape(hostile);
      // eslint-disable-next-line no-control-regex -- looking for control characters is the point
      assert.doesNotMatch(once, /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]/);
      assert.equal(escape(once), once);
    }
    assert.doesNotMatch(escapeUntrustedLine(hostile), /[\n\t]/);
  });

  it('returns text with nothing to escape unchanged', () => {
    const text = 'x'.repeat(10_000);
    assert.equal(escapeUntrusted(text), text);
    assert.equal(escapeUntrustedLine(text), text);
  });
});

describe('escapeUntrustedJson', () => {
  it('escapes what JSON.stringify leaves raw as \\uXXXX, keeping valid JSON of the same value', () => {
    const value = {
      status: '\u001b]0;pwned\u0007\u001b[2J',
      tail: 'a\u007fb\u009b2J\u0085\u202egnp\u2066\u2028\u2029\ttab\nline',
      name: 'café ✓ 😀 \\x1b',
      nested: [{ reason: '\u200f\u061c' }, null, 3],
    };
    const json = escapeUntrustedJson(JSON.stringify(value, null, 2));
    assert.deepEqual(JSON.parse(json), value);
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    assert.doesNotMatch(json, /[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/);
    assert.match(json, /"status": "\\u001b\]0;pwned\\u0007\\u001b\[2J"/);
    assert.match(json, /"tail": "a\\u007fb\\u009b2J\\u0085\\u202egnp\\u2066\\u2028\\u2029\\ttab\\nline"/);
    assert.match(json, /"name": "café ✓ 😀 \\\\x1b"/);
  });

  it('leaves JSON without such characters as it is', () => {
    const json = JSON.stringify({ processes: [{ key: 'web', reason: 'heartbeat 2s ago' }] }, null, 2);
    assert.equal(escapeUntrustedJson(json), json);
  });
});
