import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitText, fitTextStart, padText, textWidth } from '../../src/display/fit-text.js';

describe('fitText', () => {
  const cases: [string, string, number, string][] = [
    ['fits as it is', 'no heartbeat file', 40, 'no heartbeat file'],
    ['exactly the width', 'abcdef', 6, 'abcdef'],
    ['cut at its end with an ellipsis', 'last heartbeat 95s ago, timeout 60s', 20, 'last heartbeat 95s …'],
    ['never inside a \\x escape', 'bad \\x1b[2J here', 6, 'bad …'],
    ['an escape kept whole when it fits', 'bad \\x1b[2J here', 9, 'bad \\x1b…'],
    ['never inside a \\u escape', 'ab\\u202ecd', 6, 'ab…'],
    ['wide characters take two columns', '日本語テキスト', 6, '日本…'],
    ['a combining mark stays with its letter', 'cafe\u0301 au lait', 5, 'cafe\u0301…'],
    ['width 1 leaves the ellipsis', 'abc', 1, '…'],
    ['width 0 leaves nothing', 'abc', 0, ''],
  ];
  for (const [name, text, width, expected] of cases) {
    it(name, () => {
      const fitted = fitText(text, width);
      assert.equal(fitted, expected);
      assert.ok(textWidth(fitted) <= Math.max(0, width));
    });
  }
});

describe('fitTextStart', () => {
  it('cuts a path at its start, keeping its end', () => {
    assert.equal(fitTextStart('/srv/devices/gateway-7/watchdog/config.json', 22), '…/watchdog/config.json');
    assert.equal(fitTextStart('/etc/watchdog/config.json', 40), '/etc/watchdog/config.json');
    assert.equal(fitTextStart('/a/\\x1b/config.json', 13), '…/config.json');
  });
});

describe('padText', () => {
  it('pads to terminal columns, not to characters', () => {
    assert.equal(padText('ab', 4), 'ab  ');
    assert.equal(padText('日本', 6), '日本  ');
    assert.equal(padText('toolong', 3), 'toolong');
  });
});
