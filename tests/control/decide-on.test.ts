import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideOn, type OnDecision } from '../../src/control/decide-on.js';
import type { HealthState } from '../../src/heartbeat/health-state.js';
import { processConfig } from '../helpers/process-config.js';
import { verdictOf } from '../helpers/verdicts.js';

const WITH_KILL = ['kill', 'clear_db', 'start'];
const WITHOUT_KILL = ['clear_db', 'start'];

describe('decideOn', () => {
  const cases: [state: HealthState, pipeline: string[], force: boolean, expected: string[] | 'no start'][] = [
    // Never a second copy of an app that runs or is coming up, unless forced.
    ['healthy', WITH_KILL, false, 'no start'],
    ['starting', WITH_KILL, false, 'no start'],
    ['healthy', WITH_KILL, true, ['start']],
    ['starting', WITHOUT_KILL, true, ['start']],
    // The watchdog could not check: it may be running.
    ['check_error', WITH_KILL, false, 'no start'],
    ['check_error', WITH_KILL, true, ['kill', 'start']],
    ['invalid_heartbeat', WITH_KILL, false, 'no start'],
    ['invalid_heartbeat', WITH_KILL, true, ['kill', 'start']],
    // A hung instance is killed first, when the pipeline kills at all; cleanup never runs.
    ['timed_out', WITH_KILL, false, ['kill', 'start']],
    ['error_status', WITH_KILL, false, ['kill', 'start']],
    ['timed_out', WITH_KILL, true, ['kill', 'start']],
    // A hung instance that the pipeline cannot kill is not joined by a second copy, unless forced.
    ['timed_out', WITHOUT_KILL, false, 'no start'],
    ['error_status', WITHOUT_KILL, false, 'no start'],
    ['timed_out', WITHOUT_KILL, true, ['start']],
    // No live PID in the heartbeat: kill still looks for the instance the watchdog last started.
    ['no_heartbeat', WITH_KILL, false, ['kill', 'start']],
    ['stale_pid', WITH_KILL, false, ['kill', 'start']],
    ['no_heartbeat', WITHOUT_KILL, false, ['start']],
  ];
  for (const [state, pipeline, force, expected] of cases) {
    it(`${state}, pipeline ${pipeline.join(',')}${force ? ', --force' : ''} → ${expected === 'no start' ? expected : expected.join(',')}`, () => {
      const decision: OnDecision = decideOn(processConfig({ recovery_actions: pipeline }), verdictOf(state, `${state} reason`), force);
      if (expected === 'no start') {
        assert.ok(!decision.start, 'no start');
        assert.match(decision.why, new RegExp(`\\(${state} reason\\)(, and its pipeline has no kill)?; not starting (what may be )?a second copy \\(--force starts one anyway\\)$`));
      } else {
        assert.deepEqual(decision, { start: true, actions: expected });
      }
    });
  }

  it('says why it does not start a healthy or starting app', () => {
    const healthy = decideOn(processConfig(), verdictOf('healthy', 'heartbeat 2s ago, iteration 9'), false);
    assert.deepEqual(healthy, {
      start: false,
      why: 'already running and healthy (heartbeat 2s ago, iteration 9); not starting a second copy (--force starts one anyway)',
    });
    const starting = decideOn(processConfig(), verdictOf('starting', 'started 5s ago'), false);
    assert.deepEqual(starting, { start: false, why: 'already starting (started 5s ago); not starting a second copy (--force starts one anyway)' });
  });
});
