import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { findDuplicateKeys, type DuplicateKey } from '../../src/config/find-duplicate-keys.js';

/** Each duplicate as `path: lines`, the form a test reads at a glance. */
function summary(text: string): string[] {
  JSON.parse(text); // The scanner is only ever given text JSON.parse took.
  return findDuplicateKeys(text).map(
    ({ path, occurrences }) => `${path}: ${occurrences.map((occurrence) => occurrence.line).join(', ')}`,
  );
}

describe('findDuplicateKeys', () => {
  const cases: [name: string, text: string, expected: string[]][] = [
    ['none in a plain object', '{"a": 1, "b": {"a": 2}, "c": [{"a": 3}, {"a": 4}]}', []],
    ['a top-level key', '{\n"kill_timeout": 5,\n"kill_timeout": 1e300\n}', ['kill_timeout: 2, 3']],
    [
      'a process key',
      '{"processes": {\n  "web": {"enabled": true},\n  "api": {},\n  "web": {"enabled": false}\n}}',
      ['processes.web: 2, 4'],
    ],
    ['three times: one entry, every line', '{"a": 1,\n"a": 2,\n"a": 3}', ['a: 1, 2, 3']],
    [
      'in an object inside an array',
      '{"network": {"ladder": [{"type": "bounce"}, {"name": "x",\n"name": "y"}]}}',
      ['network.ladder[1].name: 1, 2'],
    ],
    ['in objects of a top-level array', '[{"a": 1}, {"b": 1, "b": 2}]', ['[1].b: 1, 1']],
    ['keys that differ only in how they are escaped', '{"a": 1, "\\u0061": 2}', ['a: 1, 1']],
    ['an escaped quote and its \\u form', '{"a\\"b": 1, "a\\u0022b": 2}', ['a"b: 1, 1']],
    ['a lone surrogate escape, written twice', '{"\\ud800": 1, "\\uD800": 2}', ['\ud800: 1, 1']],
    [
      '__proto__ and constructor as keys',
      '{"processes": {"__proto__": {}, "constructor": {}, "__proto__": {}}}',
      ['processes.__proto__: 1, 1'],
    ],
    ['keys compared case-sensitively', '{"Web": 1, "web": 2}', []],
    ['an empty key twice', '{"": 1, "": 2}', [': 1, 1']],
    [
      'strings full of the characters that structure JSON',
      '{"a": "}{][,:\\"\\\\", "b": "\\\\", "c": ["{\\"a\\": 1, \\"a\\": 2}"], "a": 0}',
      ['a: 1, 1'],
    ],
    ['a string value equal to a key is no key', '{"a": "a", "b": "a"}', []],
    [
      'duplicates at every level, outermost last',
      '{"p": {"q": {"r": 1, "r": 2}, "q": 3}, "p": 4}',
      ['p.q.r: 1, 1', 'p.q: 1, 1', 'p: 1, 1'],
    ],
    ['line numbers counted across multi-line values', '{\n"a": [\n1,\n2\n],\n"b": {\n},\n"a": null\n}', ['a: 2, 8']],
    ['Windows line ends', '{\r\n"a": 1,\r\n"a": 2\r\n}', ['a: 2, 3']],
  ];
  for (const [name, text, expected] of cases) {
    it(name, () => {
      assert.deepEqual(summary(text), expected);
    });
  }

  it('gives the path as keys and indexes, and where each value is in the text', () => {
    const text = '{"network": {"ladder": [{}, {"settle_seconds": 15, "settle_seconds": [1, {"x": "}"}]}]}}';
    const [duplicate] = findDuplicateKeys(text);
    assert.ok(duplicate !== undefined);
    assert.deepEqual(duplicate.segments, ['network', 'ladder', 1, 'settle_seconds']);
    assert.deepEqual(
      duplicate.occurrences.map(
        (occurrence) => JSON.parse(text.slice(occurrence.valueStart, occurrence.valueEnd)) as unknown,
      ),
      [15, [1, { x: '}' }]],
    );
  });

  it('finds none in the example config', () => {
    const text = readFileSync(new URL('../../config.json', import.meta.url), 'utf8');
    assert.deepEqual(findDuplicateKeys(text), []);
  });

  it("walks nesting far deeper than any stack, up to JSON.parse's own limit", () => {
    const depth = 200_000;
    const text = `${'['.repeat(depth)}{"a": 1, "a": 2}${']'.repeat(depth)}`;
    JSON.parse(text);
    const found: DuplicateKey[] = findDuplicateKeys(text);
    assert.equal(found.length, 1);
    assert.equal(found[0]?.path, `${'[0]'.repeat(depth)}.a`);
  });

  it('reads a duplicate in a deep object, the path built without recursion', () => {
    const depth = 100_000;
    const text = `${'{"k": '.repeat(depth)}{"a": 1, "a": 2}${'}'.repeat(depth)}`;
    JSON.parse(text);
    assert.equal(findDuplicateKeys(text)[0]?.segments.length, depth + 1);
  });
});
