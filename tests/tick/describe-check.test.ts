import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verdict } from '../../src/heartbeat/classify-heartbeat.js';
import { describeCheck } from '../../src/tick/describe-check.js';
import { processConfig } from '../helpers/process-config.js';

describe('describeCheck', () => {
  it('says the state, the reason and the failure count on one line', () => {
    const line = describeCheck({
      process: processConfig(),
      verdict: verdict('timed_out', 'last heartbeat 95s ago, timeout 60s'),
      checked: verdict('timed_out', 'last heartbeat 95s ago, timeout 60s'),
      consecutiveFailures: 2,
      threshold: 2,
      recoveryDue: true,
      guard: undefined,
    });
    assert.equal(line, 'web: timed_out (last heartbeat 95s ago, timeout 60s), failure 2/2, recovery due');
  });

  it('escapes a reason quoting a hostile heartbeat (escape sequences, C1, bidi, newlines)', () => {
    const reason =
      'heartbeat timestamp "\u001b]0;pwned\u0007\u009b2J\u202e" is not an ISO 8601 date and time\nweb: healthy';
    const line = describeCheck({
      process: processConfig(),
      verdict: verdict('invalid_heartbeat', reason),
      checked: verdict('invalid_heartbeat', reason),
      consecutiveFailures: 1,
      threshold: 2,
      recoveryDue: false,
      guard: undefined,
    });
    assert.equal(
      line,
      'web: invalid_heartbeat (heartbeat timestamp "\\x1b]0;pwned\\x07\\u009b2J\\u202e" is not an ISO 8601 date and time\\x0aweb: healthy), failure 1/2',
    );
  });
});
