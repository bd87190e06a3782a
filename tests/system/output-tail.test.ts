import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeTail, OutputTail } from '../../src/system/output-tail.js';

function tailOf(limit: number, chunks: readonly (string | Buffer)[]): string {
  const tail = new OutputTail(limit);
  for (const chunk of chunks) tail.push(Buffer.from(chunk));
  return tail.text();
}

describe('OutputTail', () => {
  it('keeps everything below the limit, in order', () => {
    assert.equal(tailOf(16, ['ab', 'cd', '', 'ef']), 'abcdef');
    assert.equal(tailOf(16, []), '');
  });

  it('keeps the last bytes across chunk boundaries', () => {
    assert.equal(tailOf(5, ['abc', 'def', 'ghi']), 'efghi');
    assert.equal(tailOf(5, ['abcdefgh']), 'defgh');
    assert.equal(tailOf(5, ['abcdefgh', 'ij']), 'fghij');
    assert.equal(tailOf(3, ['a', 'b', 'c', 'd']), 'bcd');
  });

  it('keeps nothing with a limit of 0, and refuses a limit that is not a byte count', () => {
    assert.equal(tailOf(0, ['abc', 'def']), '');
    for (const limit of [-1, 1.5, Number.NaN]) assert.throws(() => new OutputTail(limit), RangeError, String(limit));
  });

  it('keeps the end of a long stream of chunks', () => {
    const tail = new OutputTail(1000);
    const chunk = Buffer.alloc(300, 'x');
    for (let i = 0; i < 10_000; i += 1) tail.push(chunk);
    tail.push(Buffer.from('END'));
    const text = tail.text();
    assert.equal(text.length, 1000);
    assert.ok(text.endsWith('xxEND'));
  });

  it('drops a character split by the cut instead of showing a replacement character', () => {
    // 'é' is two bytes (c3 a9), '€' three (e2 82 ac): a 4-byte limit cuts into the '€'.
    assert.equal(tailOf(4, ['aé€']), '€');
    assert.equal(tailOf(5, ['aé€']), 'é€');
    assert.equal(tailOf(2, ['€']), '');
  });
});

describe('decodeTail', () => {
  it('leaves an uncut start alone, even when it is not valid UTF-8', () => {
    assert.equal(decodeTail(Buffer.from([0xa9, 0x41]), false), '\ufffdA');
  });

  it('drops at most three stray continuation bytes from a cut start', () => {
    assert.equal(decodeTail(Buffer.from([0x82, 0xac, 0x41]), true), 'A');
    assert.equal(decodeTail(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x41]), true), '\ufffdA');
  });
});
