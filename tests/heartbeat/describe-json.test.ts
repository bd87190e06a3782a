import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeJson } from '../../src/heartbeat/describe-json.js';

/** What describeJson rendered before it was bounded: JSON.stringify, cut. */
function stringified(value: unknown, limit = 40): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > limit ? `${text.slice(0, limit - 3)}...` : text;
}

describe('describeJson', () => {
  // Parsed from text, as a heartbeat is, so `__proto__` is a key like any other.
  const texts = [
    'null',
    'true',
    'false',
    '0',
    '-0',
    '1e400',
    '-1e400',
    '1e-400',
    '9007199254740993',
    '12345.5',
    '""',
    '"running"',
    '"a\\"b\\\\c\\u0000\\u001f\\ud800\\udc00\\ud83d\\ude00"',
    `"${'x'.repeat(100)}"`,
    `"${'\\u00e9'.repeat(50)}"`,
    `"${'😀'.repeat(30)}"`,
    '[]',
    '{}',
    '[1,[2,[3,[4]]]]',
    '{"ok":true}',
    '{"__proto__":{"pid":1},"constructor":"x","toString":[]}',
    '{"b":1,"a":2,"10":3,"2":4}',
    `[${Array.from({ length: 100 }, (_, index) => index).join(',')}]`,
    `{"${'k'.repeat(60)}":1}`,
    '[{"a":[{"b":[{}]}]},null,"s",-1.5e-7]',
  ];
  for (const text of texts) {
    it(`renders ${text.length > 50 ? `${text.slice(0, 47)}...` : text} as JSON.stringify did`, () => {
      const value: unknown = JSON.parse(text);
      for (const limit of [5, 12, 40, 80, 1000])
        assert.equal(describeJson(value, limit), stringified(value, limit), `limit ${limit}`);
    });
  }

  it('renders 40 characters by default, ending in ... when cut', () => {
    assert.equal(describeJson(['a'.repeat(100)]), `["${'a'.repeat(35)}...`);
    assert.equal(describeJson('short'), '"short"');
  });

  it('renders the start of nesting far deeper than JSON.stringify can walk', () => {
    const depth = 32_000;
    const arrays: unknown = JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);
    assert.throws(() => JSON.stringify(arrays), RangeError, 'JSON.stringify overflows the stack here');
    assert.equal(describeJson(arrays), `${'['.repeat(37)}...`);
    const objects: unknown = JSON.parse(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
    assert.equal(describeJson(objects), `${'{"a":'.repeat(7)}{"...`);
  });

  it('renders only what it shows of a long array, a wide object or a long string', () => {
    assert.equal(describeJson(new Array<number>(1_000_000).fill(7)), `[${'7,'.repeat(18)}...`);
    const entries = (count: number) =>
      Object.fromEntries(Array.from({ length: count }, (_, index) => [`k${index}`, index]));
    assert.equal(describeJson(entries(100_000)), stringified(entries(10)));
    assert.equal(describeJson('x'.repeat(10_000_000)), `"${'x'.repeat(36)}...`);
  });
});
