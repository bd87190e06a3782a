import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyProbe, shouldProbe } from '../../src/health/apply-probe.js';
import { HEALTH_STATES, isFailure, type HealthState } from '../../src/heartbeat/health-state.js';
import type { ProbeResult } from '../../src/probes/probe.js';
import { verdictOf } from '../helpers/verdicts.js';

const FAILED: ProbeResult = {
  probe: 'http http://127.0.0.1:8080/health',
  answered: false,
  detail: 'HTTP 503, expected 200',
  durationMs: 12,
};
const ANSWERED: ProbeResult = { probe: 'tcp 127.0.0.1:1883', answered: true, detail: 'connected', durationMs: 1500 };

describe('shouldProbe: the probe runs only when the other check passed', () => {
  for (const state of HEALTH_STATES) {
    it(`${state}: ${state === 'healthy' ? 'probed' : 'not probed'}`, () => {
      assert.equal(shouldProbe({ state }), state === 'healthy');
    });
  }
});

describe('applyProbe', () => {
  const cases: {
    name: string;
    state: HealthState;
    probe: ProbeResult | undefined;
    want: HealthState;
    reason: string;
  }[] = [
    { name: 'no probe asked', state: 'healthy', probe: undefined, want: 'healthy', reason: 'ok' },
    {
      name: 'a healthy check whose probe failed',
      state: 'healthy',
      probe: FAILED,
      want: 'probe_failed',
      reason: 'health probe failed: http http://127.0.0.1:8080/health: HTTP 503, expected 200 (after 12 ms)',
    },
    {
      name: 'a healthy check whose probe answered says so',
      state: 'healthy',
      probe: ANSWERED,
      want: 'healthy',
      reason: 'ok; health probe answered: tcp 127.0.0.1:1883: connected (after 1.5s)',
    },
    {
      name: 'a timeout says how long once',
      state: 'healthy',
      probe: { ...FAILED, detail: 'timed out after 2s', durationMs: 2003 },
      want: 'probe_failed',
      reason: 'health probe failed: http http://127.0.0.1:8080/health: timed out after 2s',
    },
    {
      name: 'a heartbeat failure wins over a failed probe',
      state: 'timed_out',
      probe: FAILED,
      want: 'timed_out',
      reason: 'ok',
    },
    {
      name: 'an untrusted heartbeat wins',
      state: 'invalid_heartbeat',
      probe: FAILED,
      want: 'invalid_heartbeat',
      reason: 'ok',
    },
    {
      name: 'the watchdog’s own error stays its own',
      state: 'check_error',
      probe: FAILED,
      want: 'check_error',
      reason: 'ok',
    },
    { name: 'off stays off', state: 'off', probe: FAILED, want: 'off', reason: 'ok' },
  ];
  for (const { name, state, probe, want, reason } of cases) {
    it(name, () => {
      const applied = applyProbe(verdictOf(state, 'ok', { pid: 42 }), probe);
      assert.equal(applied.state, want);
      assert.equal(applied.reason, reason);
      assert.equal(applied.pid, 42, 'the PID the heartbeat proved is kept');
    });
  }

  it('counts probe_failed as a failure toward the threshold', () => {
    assert.equal(isFailure('probe_failed'), true);
  });
});
