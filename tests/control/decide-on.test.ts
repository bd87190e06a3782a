import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideOn } from '../../src/control/decide-on.js';
import type { HealthState } from '../../src/heartbeat/health-state.js';
import type { StartFacts } from '../../src/recovery/decide-start.js';

const WITH_KILL = { recovery_actions: ['kill', 'clear_db', 'start'] };
const WITHOUT_KILL = { recovery_actions: ['clear_db', 'start'] };

const facts = (
  state: HealthState,
  force: boolean,
  fields: Partial<StartFacts> = {},
): Omit<StartFacts, 'intent' | 'kills'> => ({
  force,
  state,
  heartbeat: state,
  reason: `${state} reason`,
  guard: undefined,
  untrustedLivePid: undefined,
  byMatch: false,
  recordedLivePid: undefined,
  probeAlone: false,
  startedGone: undefined,
  startedProof: undefined,
  ...fields,
});

describe('decideOn', () => {
  const cases: [
    state: HealthState,
    pipeline: { recovery_actions: string[] },
    force: boolean,
    expected: string[] | 'no start',
    fields?: Partial<StartFacts>,
  ][] = [
    // Never a second copy of an app that runs or is coming up, unless forced.
    ['healthy', WITH_KILL, false, 'no start'],
    ['starting', WITH_KILL, false, 'no start'],
    ['healthy', WITH_KILL, true, ['start']],
    ['starting', WITHOUT_KILL, true, ['start']],
    // The watchdog could not check: it may be running.
    ['check_error', WITH_KILL, false, 'no start'],
    ['check_error', WITH_KILL, true, ['kill', 'start']],
    // An untrusted heartbeat: refused when it names a live process (as cron refuses), else started as cron would.
    ['invalid_heartbeat', WITH_KILL, false, 'no start', { untrustedLivePid: 4242 }],
    ['invalid_heartbeat', WITH_KILL, true, ['kill', 'start'], { untrustedLivePid: 4242 }],
    ['invalid_heartbeat', WITH_KILL, false, ['kill', 'start']],
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
    ['no_heartbeat', WITHOUT_KILL, false, 'no start', { recordedLivePid: 88 }],
  ];
  for (const [state, pipeline, force, expected, fields] of cases) {
    const more = fields === undefined ? '' : ` ${JSON.stringify(fields)}`;
    it(`${state}, pipeline ${pipeline.recovery_actions.join(',')}${force ? ', --force' : ''}${more} → ${expected === 'no start' ? expected : expected.join(',')}`, () => {
      const decision = decideOn(pipeline, facts(state, force, fields));
      if (expected === 'no start') {
        assert.ok(!decision.start, 'no start');
        assert.match(decision.why, /not starting (what may be )?a second copy \(--force starts one anyway\)$/);
      } else {
        assert.deepEqual(decision, { start: true, actions: expected });
      }
    });
  }

  it('says why it does not start a healthy or starting app', () => {
    const healthy = decideOn(WITH_KILL, facts('healthy', false, { reason: 'heartbeat 2s ago, iteration 9' }));
    assert.deepEqual(healthy, {
      start: false,
      refusal: 'running',
      why: 'already running and healthy (heartbeat 2s ago, iteration 9); not starting a second copy (--force starts one anyway)',
    });
    const starting = decideOn(WITH_KILL, facts('starting', false, { reason: 'started 5s ago' }));
    assert.deepEqual(starting, {
      start: false,
      refusal: 'starting',
      why: 'already starting (started 5s ago); not starting a second copy (--force starts one anyway)',
    });
  });
});
