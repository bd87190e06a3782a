import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HealthState } from '../../src/heartbeat/health-state.js';
import { decideStart, type StartFacts, type StartIntent, type StartRefusal } from '../../src/recovery/decide-start.js';

const facts = (intent: StartIntent, state: HealthState, fields: Partial<StartFacts> = {}): StartFacts => ({
  intent,
  force: false,
  state,
  heartbeat: state,
  reason: `${state} reason`,
  guard: undefined,
  untrustedLivePid: undefined,
  recordedLivePid: undefined,
  kills: true,
  probeAlone: false,
  startedGone: undefined,
  startedProof: undefined,
  byMatch: false,
  ...fields,
});

const ALL: StartIntent[] = ['recover', 'start', 'restart'];

describe('decideStart', () => {
  const cases: [
    name: string,
    intents: StartIntent[],
    facts: Omit<StartFacts, 'intent'>,
    expected: StartRefusal | 'start',
  ][] = [
    // Held by a person or the crash-loop guard: nothing overrides these but `on`/`reset`, which clear them first.
    ['off', ALL, facts('recover', 'off', { force: true }), 'off'],
    ['gave up', ALL, facts('recover', 'gave_up', { force: true }), 'gave_up'],
    ['the guard gives up at this check', ALL, facts('recover', 'timed_out', { guard: 'give_up' }), 'gave_up'],
    ['the guard waits (backoff)', ALL, facts('recover', 'timed_out', { guard: 'backoff' }), 'backoff'],
    // An untrusted heartbeat naming a live process: every command refuses, for the same reason.
    [
      'untrusted heartbeat names a live process',
      ALL,
      facts('recover', 'invalid_heartbeat', { untrustedLivePid: 4242 }),
      'untrusted_live',
    ],
    [
      '... unless a person forces it',
      ['start', 'restart'],
      facts('recover', 'invalid_heartbeat', { untrustedLivePid: 4242, force: true }),
      'start',
    ],
    ['untrusted heartbeat naming nothing alive', ALL, facts('recover', 'invalid_heartbeat'), 'start'],
    // Up or coming up: `on` leaves it; a restart replaces it (it kills first).
    ['healthy, on', ['start'], facts('start', 'healthy'), 'running'],
    ['healthy, restart with kill', ['restart'], facts('start', 'healthy'), 'start'],
    ['healthy, restart without kill', ['restart'], facts('start', 'healthy', { kills: false }), 'no_kill'],
    ['healthy, on --force', ['start'], facts('start', 'healthy', { force: true }), 'start'],
    ['in its start grace, on', ['start'], facts('start', 'starting', { heartbeat: 'no_heartbeat' }), 'starting'],
    [
      'in its start grace, restart kills the started instance',
      ['restart'],
      facts('start', 'starting', { heartbeat: 'no_heartbeat', recordedLivePid: 77 }),
      'start',
    ],
    [
      'in its start grace, restart without kill',
      ['restart'],
      facts('start', 'starting', { heartbeat: 'no_heartbeat', recordedLivePid: 77, kills: false }),
      'no_kill',
    ],
    // The watchdog could not check.
    ['check error', ALL, facts('start', 'check_error'), 'unknown'],
    // Hung: killed first, or no second copy beside it.
    ['hung, with kill', ALL, facts('recover', 'timed_out'), 'start'],
    ['hung, without kill', ALL, facts('recover', 'timed_out', { kills: false }), 'no_kill'],
    ['error status, without kill', ALL, facts('recover', 'error_status', { kills: false }), 'no_kill'],
    // A probe failed: the app may still run (hung) even when nothing names it.
    ['probe failed, with kill', ALL, facts('recover', 'probe_failed'), 'start'],
    ['probe failed, without kill', ALL, facts('recover', 'probe_failed', { kills: false }), 'no_kill'],
    [
      'probe failed, without kill, forced',
      ['start', 'restart'],
      facts('recover', 'probe_failed', { kills: false, force: true }),
      'start',
    ],
    // Health alone: kill can stop only an instance the watchdog started. Cron starts only when
    // kill has it to stop, or it is proven gone: else the app may run, started another way.
    [
      'health alone, probe failed, nothing on record',
      ['recover'],
      facts('recover', 'probe_failed', { probeAlone: true }),
      'unknown',
    ],
    [
      '... a person still starts it',
      ['start', 'restart'],
      facts('recover', 'probe_failed', { probeAlone: true }),
      'start',
    ],
    [
      'health alone, the started instance not proven gone',
      ['recover'],
      facts('recover', 'probe_failed', { probeAlone: true, startedGone: false }),
      'unknown',
    ],
    [
      'health alone, the started instance alive: kill stops it first',
      ['recover'],
      facts('recover', 'probe_failed', { probeAlone: true, recordedLivePid: 77, startedGone: false }),
      'start',
    ],
    [
      'health alone, the started instance proven gone: it ran past verify_delay (the app itself)',
      ['recover'],
      facts('recover', 'probe_failed', { probeAlone: true, startedGone: true, startedProof: 'ran' }),
      'start',
    ],
    [
      'health alone, the started instance proven gone: the daemon pid_file named',
      ['recover'],
      facts('recover', 'probe_failed', { probeAlone: true, startedGone: true, startedProof: 'pid_file' }),
      'start',
    ],
    [
      'health alone, the started instance of an earlier boot',
      ['recover'],
      facts('recover', 'probe_failed', { probeAlone: true, startedGone: true, startedProof: 'earlier_boot' }),
      'start',
    ],
    // A daemonising start: what is on record may be a launcher whose daemon left its session.
    [
      "health alone, gone, found in the start command's session: a launcher, its daemon may run",
      ['recover'],
      facts('recover', 'probe_failed', { probeAlone: true, startedGone: true, startedProof: undefined }),
      'unknown',
    ],
    [
      '... a person still starts it',
      ['start', 'restart'],
      facts('recover', 'probe_failed', { probeAlone: true, startedGone: true, startedProof: undefined }),
      'start',
    ],
    [
      'a heartbeat app, its started instance gone by session alone: the heartbeat names the app',
      ['recover'],
      facts('recover', 'no_heartbeat', { startedGone: true, startedProof: undefined }),
      'start',
    ],
    // Nothing named alive by the heartbeat: a daemon left by an earlier start is what may run.
    [
      'no heartbeat, nothing recorded alive, without kill',
      ALL,
      facts('recover', 'no_heartbeat', { kills: false }),
      'start',
    ],
    [
      'no heartbeat, a daemon left by an earlier start, with kill',
      ALL,
      facts('recover', 'no_heartbeat', { recordedLivePid: 88 }),
      'start',
    ],
    [
      'no heartbeat, a daemon left by an earlier start, without kill',
      ALL,
      facts('recover', 'no_heartbeat', { recordedLivePid: 88, kills: false }),
      'no_kill',
    ],
    [
      'stale PID, the recorded daemon alive, without kill',
      ALL,
      facts('recover', 'stale_pid', { recordedLivePid: 88, kills: false }),
      'no_kill',
    ],
    [
      '... forced',
      ['start', 'restart'],
      facts('recover', 'stale_pid', { recordedLivePid: 88, kills: false, force: true }),
      'start',
    ],
  ];
  for (const [name, intents, given, expected] of cases) {
    for (const intent of intents) {
      it(`${name} (${intent}) → ${expected}`, () => {
        const decision = decideStart({ ...given, intent });
        assert.equal(decision.start ? 'start' : decision.refusal, expected);
      });
    }
  }

  it('gives cron and `on` the same reason for an untrusted heartbeat naming a live process', () => {
    const [cron, on] = (['recover', 'start'] as const).map((intent) =>
      decideStart(
        facts(intent, 'invalid_heartbeat', { untrustedLivePid: 4242, reason: 'heartbeat is not valid JSON' }),
      ),
    );
    assert.deepEqual(cron, on);
    assert.deepEqual(cron, {
      start: false,
      refusal: 'untrusted_live',
      why: 'its heartbeat cannot be trusted and names PID 4242, which is alive: it may be the app, and it is never signalled; not starting what may be a second copy (--force starts one anyway)',
    });
  });
});

describe('decideStart for an app found by match', () => {
  it('never offers --force: the start itself refuses while a process matches, forced or not', () => {
    const decision = decideStart(
      facts('start', 'healthy', { byMatch: true, reason: 'PID 812 matches /nginx/ as root' }),
    );
    assert.deepEqual(decision, {
      start: false,
      refusal: 'running',
      why: 'already running and healthy (PID 812 matches /nginx/ as root); not starting a second copy (--force does not apply: an app found by match is never started while a process matches)',
    });
  });
});
