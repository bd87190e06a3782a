import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderTable } from '../../../src/cli/format/render-table.js';

describe('renderTable', () => {
  it('pads columns to the widest cell and leaves the last ragged', () => {
    assert.deepEqual(renderTable(['A', 'BB', 'C'], [['xxx', 'y', 'last'], ['x', 'yyy', '']]), ['A    BB   C', 'xxx  y    last', 'x    yyy']);
  });

  it('escapes each cell to one line before measuring it, so a row stays one line and the columns line up', () => {
    const lines = renderTable(
      ['KEY', 'REASON', 'DETAIL'],
      [
        ['a\u001b[2J', 'r\u202e', 'one\ntwo\tthree \u009b0m'],
        ['bb', 'plain', 'ok'],
      ],
    );
    assert.deepEqual(lines, [
      'KEY       REASON   DETAIL',
      'a\\x1b[2J  r\\u202e  one\\x0atwo\\x09three \\u009b0m',
      'bb        plain    ok',
    ]);
  });
});
