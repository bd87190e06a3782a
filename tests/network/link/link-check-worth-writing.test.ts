import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { linkCheckWorthWriting } from '../../../src/network/link/link-check-worth-writing.js';
import { emptyNetworkState, type NetworkStateRow } from '../../../src/network/store/read-network-state.js';
import type { NetworkCheckRecord } from '../../../src/network/store/record-network-state.js';

const BEFORE = '2026-06-30T12:00:00.000000+00:00';
const NOW = '2026-06-30T12:01:00.000000+00:00';
const UP: NetworkStateRow = {
  ...emptyNetworkState('eth0'),
  last_check_at: BEFORE,
  last_state: 'up',
  last_reason: 'carrier, 192.0.2.10/24, gateway answers',
  seen_at: BEFORE,
};
const check = (overrides: Partial<NetworkCheckRecord> = {}): NetworkCheckRecord => ({
  checkedAt: NOW,
  state: 'up',
  reason: 'carrier, 192.0.2.10/24, gateway answers',
  consecutiveFailures: 0,
  failingSince: null,
  seenAt: NOW,
  resetLadderFailures: true,
  ...overrides,
});

describe('linkCheckWorthWriting', () => {
  const cases: [string, NetworkStateRow, NetworkCheckRecord, boolean][] = [
    ['never checked', emptyNetworkState('eth0'), check(), true],
    ['still up as it was', UP, check(), false],
    ['still up, another address (DHCP)', UP, check({ reason: 'carrier, 192.0.2.77/24, gateway answers' }), true],
    ['down now', UP, check({ state: 'no_carrier', consecutiveFailures: 1, failingSince: NOW }), true],
    ['up again', { ...UP, last_state: 'no_carrier', consecutive_failures: 2, failing_since: BEFORE }, check(), true],
    ['up, a failed ladder run to forget', { ...UP, failed_ladder_runs: 1 }, check(), true],
    ['seen for the first time', { ...UP, seen_at: null }, check(), true],
    [
      'gone: not seen now',
      UP,
      check({ state: 'missing', seenAt: BEFORE, consecutiveFailures: 1, failingSince: NOW }),
      true,
    ],
    [
      'still failing, the count grows',
      { ...UP, last_state: 'no_carrier', consecutive_failures: 1, failing_since: BEFORE },
      check({ state: 'no_carrier', consecutiveFailures: 2, failingSince: BEFORE }),
      true,
    ],
    [
      'check_error again, another reason',
      { ...UP, last_state: 'check_error', last_reason: 'cannot read /sys' },
      check({ state: 'check_error', reason: 'cannot read /proc', resetLadderFailures: false }),
      true,
    ],
    [
      'check_error again, the same reason',
      { ...UP, last_state: 'check_error', last_reason: 'cannot read /sys' },
      check({ state: 'check_error', reason: 'cannot read /sys', resetLadderFailures: false }),
      false,
    ],
  ];
  for (const [name, before, record, expected] of cases)
    it(`${expected ? 'writes' : 'does not write'}: ${name}`, () => {
      assert.equal(linkCheckWorthWriting(before, record), expected);
    });
});
