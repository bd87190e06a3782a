import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideColor } from '../../src/display/decide-color.js';
import { escapeUntrustedKeepingPaint, paint } from '../../src/display/paint.js';
import { styleOfState } from '../../src/display/state-style.js';

describe('paint', () => {
  it('colours only when colour is on, and not an empty text', () => {
    assert.equal(paint('healthy', 'green', true), '\u001b[32mhealthy\u001b[39m');
    assert.equal(paint('timed_out', 'red', true), '\u001b[31mtimed_out\u001b[39m');
    assert.equal(paint('off', 'dim', true), '\u001b[2moff\u001b[22m');
    assert.equal(paint('healthy', 'green', false), 'healthy');
    assert.equal(paint('x', undefined, true), 'x');
    assert.equal(paint('', 'red', true), '');
  });
});

describe('escapeUntrustedKeepingPaint', () => {
  it("keeps the watchdog's own colours and escapes every other control", () => {
    const line = `${paint('healthy', 'green', true)} \u001b[2J \u001b]0;pwned\u0007 \u001b[31;1m \u009b2J ${paint('x', 'dim', true)}`;
    assert.equal(
      escapeUntrustedKeepingPaint(line),
      '\u001b[32mhealthy\u001b[39m \\x1b[2J \\x1b]0;pwned\\x07 \\x1b[31;1m \\u009b2J \u001b[2mx\u001b[22m',
    );
  });
  it('leaves text an app wrote escaped: an escaped colour is not made live again', () => {
    assert.equal(escapeUntrustedKeepingPaint('reason \\x1b[31mred'), 'reason \\x1b[31mred');
  });
});

describe('decideColor', () => {
  const cases: [string, Parameters<typeof decideColor>[0], boolean][] = [
    ['a terminal', { isTTY: true, env: {} }, true],
    ['a pipe or a file', { isTTY: false, env: {} }, false],
    ['NO_COLOR set', { isTTY: true, env: { NO_COLOR: '1' } }, false],
    ['NO_COLOR empty is not set (no-color.org)', { isTTY: true, env: { NO_COLOR: '' } }, true],
    ['--no-color', { isTTY: true, env: {}, flag: false }, false],
    ['--color leaves it to the rest', { isTTY: false, env: {}, flag: true }, false],
    ['TERM=dumb', { isTTY: true, env: { TERM: 'dumb' } }, false],
    [
      'FORCE_COLOR=1 puts no colour into a pipe (node --test sets it for its children)',
      { isTTY: false, env: { FORCE_COLOR: '1' } },
      false,
    ],
    ['FORCE_COLOR=1 on a terminal', { isTTY: true, env: { FORCE_COLOR: '1' } }, true],
    ['FORCE_COLOR=0 turns it off on a terminal, as Node', { isTTY: true, env: { FORCE_COLOR: '0' } }, false],
    ['FORCE_COLOR=false turns it off on a terminal, as Node', { isTTY: true, env: { FORCE_COLOR: 'false' } }, false],
    ['--no-color over FORCE_COLOR', { isTTY: true, env: { FORCE_COLOR: '1' }, flag: false }, false],
  ];
  for (const [name, facts, expected] of cases) it(name, () => assert.equal(decideColor(facts), expected));
});

describe('styleOfState', () => {
  const cases: [string, string | undefined][] = [
    ['healthy', 'green'],
    ['timed_out', 'red'],
    ['no_heartbeat', 'red'],
    ['stale_pid', 'red'],
    ['error_status', 'red'],
    ['invalid_heartbeat', 'red'],
    ['starting', 'yellow'],
    ['gave_up', 'yellow'],
    ['check_error', 'yellow'],
    ['off', 'dim'],
    ['disabled', 'dim'],
    ['unknown', 'dim'],
    ['something new', undefined],
  ];
  for (const [state, style] of cases)
    it(`${state} → ${style ?? 'plain'}`, () => assert.equal(styleOfState(state), style));
});
