import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderTable } from '../../src/display/render-table.js';

describe('renderTable', () => {
  it('pads columns to the widest cell and leaves the last ragged', () => {
    assert.deepEqual(
      renderTable(
        ['A', 'BB', 'C'],
        [
          ['xxx', 'y', 'last'],
          ['x', 'yyy', ''],
        ],
      ),
      ['A    BB   C', 'xxx  y    last', 'x    yyy'],
    );
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

describe('renderTable in a terminal', () => {
  const rows = [
    ['web', { text: 'healthy', style: 'green' as const }, 'heartbeat 2s ago'],
    ['a-very-long-key', { text: 'timed_out', style: 'red' as const }, 'last heartbeat 95s ago \u001b[2J'],
  ];
  it('cuts the last column to the width, and a too long key to its most', () => {
    assert.deepEqual(renderTable(['KEY', 'STATE', 'REASON'], rows, { width: 30, maxWidths: [8] }), [
      'KEY       STATE      REASON',
      'web       healthy    heartbea…',
      'a-very-…  timed_out  last hea…',
    ]);
  });
  it('leaves out the columns that do not fit at all, cutting the first that does in part', () => {
    assert.deepEqual(renderTable(['KEY', 'STATE', 'REASON'], rows, { width: 12 }), ['KEY…', 'web…', 'a-very-long…']);
    // A cell that fits but whose padding does not still ends with `…`: the columns after it are gone.
    assert.deepEqual(renderTable(['KEY', 'STATE', 'REASON'], rows, { width: 20 }), [
      'KEY              ST…',
      'web              he…',
      'a-very-long-key  ti…',
    ]);
  });
  it('paints styled cells after padding, so colour takes no width', () => {
    assert.deepEqual(renderTable(['KEY', 'STATE', 'REASON'], rows, { color: true }), [
      'KEY              STATE      REASON',
      'web              \u001b[32mhealthy\u001b[39m    heartbeat 2s ago',
      'a-very-long-key  \u001b[31mtimed_out\u001b[39m  last heartbeat 95s ago \\x1b[2J',
    ]);
  });
});
