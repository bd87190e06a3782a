import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reportError } from '../../src/cli/report-error.js';
import { ConfigError, WatchdogError } from '../../src/errors.js';

function reported(error: unknown): { code: number; lines: string[] } {
  const lines: string[] = [];
  const code = reportError(error, { err: (line) => lines.push(line) });
  return { code, lines };
}

describe('reportError', () => {
  it('prints the message, every problem and warning, and the hint', () => {
    const error = new ConfigError(
      'CONFIG_INVALID',
      'config.json is invalid',
      ['processes.web.timeout_seconds: must be > 0'],
      {
        hint: 'fix it',
        warnings: ['processes.old: enabled is false'],
      },
    );
    assert.deepEqual(reported(error), {
      code: 78,
      lines: [
        'watchdog: config.json is invalid',
        '  processes.web.timeout_seconds: must be > 0',
        'warning: processes.old: enabled is false',
        'hint: fix it',
      ],
    });
  });

  it('escapes each line to one line: a file name in a system error can hold escape sequences and newlines', () => {
    const error = new ConfigError(
      'CONFIG_UNREADABLE',
      'cannot read /home/app/\u001b]0;pwned\u0007x\nwatchdog: all is well',
      ['a \u009b2J problem\u202e'],
      {
        hint: 'check \u001b[8mhidden',
        warnings: ['tab\there'],
      },
    );
    assert.deepEqual(reported(error).lines, [
      'watchdog: cannot read /home/app/\\x1b]0;pwned\\x07x\\x0awatchdog: all is well',
      '  a \\u009b2J problem\\u202e',
      'warning: tab\\x09here',
      'hint: check \\x1b[8mhidden',
    ]);
  });

  it('prints an error not of ours escaped, then its stack without the message again', () => {
    const error = new Error("ENOENT: no such file or directory, open '/srv/app/\u001b[2J\nwatchdog: forged'");
    const { code, lines } = reported(error);
    assert.equal(code, 1);
    assert.equal(
      lines[0],
      "watchdog: unexpected error: ENOENT: no such file or directory, open '/srv/app/\\x1b[2J\\x0awatchdog: forged'",
    );
    assert.ok(lines.length > 1, 'the stack follows');
    for (const line of lines.slice(1)) assert.match(line, /^ {4}at /);
  });

  it('prints the whole stack, escaped, when it does not start with the message', () => {
    const error = new WatchdogError('USAGE', 'x');
    const other = new Error('plain');
    other.stack = 'custom\u001b[2J\nstack';
    assert.deepEqual(reported(other).lines, ['watchdog: unexpected error: plain', 'custom\\x1b[2J', 'stack']);
    assert.deepEqual(reported(error), { code: 2, lines: ['watchdog: x'] });
  });
});
