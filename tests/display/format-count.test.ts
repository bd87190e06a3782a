import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCount, nounFor } from '../../src/display/format-count.js';

describe('formatCount', () => {
  const cases: [number, string, string | undefined, string][] = [
    [0, 'process', 'processes', '0 processes'],
    [1, 'process', 'processes', '1 process'],
    [2, 'process', 'processes', '2 processes'],
    [1, 'rung', undefined, '1 rung'],
    [3, 'rung', undefined, '3 rungs'],
    [1, 'recovery', 'recoveries', '1 recovery'],
    [12, 'recovery', 'recoveries', '12 recoveries'],
  ];
  for (const [count, singular, plural, expected] of cases) {
    it(`${count} ${singular} → ${expected}`, () => assert.equal(formatCount(count, singular, plural), expected));
  }
  it('names the noun alone for a list that follows it', () => {
    assert.equal(nounFor(1, 'environment variable'), 'environment variable');
    assert.equal(nounFor(2, 'environment variable'), 'environment variables');
  });
});
