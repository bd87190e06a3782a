import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pollDelayMs } from '../../src/time/poll-delay.js';

describe('pollDelayMs', () => {
  const cases: [attempt: number, maxMs: number, expected: number][] = [
    [0, 20, 1],
    [1, 20, 2],
    [2, 20, 4],
    [3, 20, 8],
    [4, 20, 16],
    [5, 20, 20],
    [6, 20, 20],
    [1000, 20, 20],
    [0, 1, 1],
    [3, 1, 1],
    [10, 5000, 1024],
    [13, 5000, 5000],
  ];
  for (const [attempt, maxMs, expected] of cases) {
    it(`after ${attempt} listing(s), at most ${maxMs} ms: waits ${expected} ms`, () => {
      assert.equal(pollDelayMs(attempt, maxMs), expected);
    });
  }
});
