// Fault injection: an app that cannot be started. The Python Watchdog retried a failed
// recovery every tick, forever, with no backoff and no alert. Here the crash-loop guard
// gives up after `max_recoveries` within `recovery_window_seconds` (state `gave_up`, exit 1
// once, an audit row) until `watchdog on|restart|reset`, and `recovery_backoff_seconds`
// spaces the attempts. Each tick runs the built watchdog inside a PID namespace.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NsRunResult } from '../helpers/pid-namespace.js';
import { faultCase } from './report.js';
import {
  assertBystandersUntouched,
  auditEventsOf,
  bystanderReport,
  checksOf,
  describeBystanders,
  describeRun,
  processRowOf,
  recoveriesOf,
  startFaultWorld,
  writeFaultConfig,
  FAILING_START,
  startAttempts as attempts,
} from './fault-scenario.js';

/** A tick's exit code and the gist of its first stderr line (for the Observed column). */
function brief(result: NsRunResult): string {
  const failed = /recovery #\d+ failed: [^:]+/.exec(result.stderr)?.[0];
  return failed === undefined ? describeRun(result) : `exit ${String(result.code)} (${failed})`;
}

describe('fault injection: a start that always fails', () => {
  it('gives up after max_recoveries (gave_up, exit 1 once, audit row), runs nothing more, and recovers again after reset', () =>
    faultCase(
      'h.1',
      'start command always exits 1 (no heartbeat; threshold 1, max_recoveries 3, recovery_backoff_seconds 0)',
      'ticks 1-3: one failed recovery each, exit 1; tick 4: gave_up (action_taken gave_up, gave_up_at set, audit_events gave_up), exit 1 with the two stderr lines; ticks 5-6: gave_up, nothing run, exit 0; `reset app` exit 0; tick 7 recovers again',
      async (seen) => {
        const world = await startFaultWorld('crash-loop');
        writeFaultConfig(
          world.dir,
          { app: { heartbeat_path: 'hb/app.json', commands: { start: FAILING_START } } },
          { consecutive_failures_threshold: 1, max_recoveries: 3, recovery_backoff_seconds: 0 },
        );

        const failing: NsRunResult[] = [];
        for (let tick = 1; tick <= 3; tick += 1) failing.push(await world.watchdog(['check']));
        const afterThree = { recoveries: recoveriesOf(world.dbPath).length, attempts: attempts(world) };
        seen.note('ticks 1-3', failing.map(brief).join(', '));
        seen.note('after them', `${afterThree.recoveries} recoveries, ${afterThree.attempts} start attempts`);

        const givingUp = await world.watchdog(['check']);
        const gaveUpCheck = checksOf(world.dbPath).at(-1);
        const state = processRowOf(world.dbPath, 'app');
        const gaveUpEvents = auditEventsOf(world.dbPath).filter((event) => event.kind === 'gave_up');
        seen.note(
          'tick 4',
          `exit ${String(givingUp.code)}, ${gaveUpCheck?.health ?? 'no state'}/${gaveUpCheck?.action_taken ?? '-'}`,
        );
        seen.note('tick 4 stderr', givingUp.stderr.trim().split('\n').join(' ⏎ '));
        seen.note('gave_up_at', state?.gave_up_at === null || state?.gave_up_at === undefined ? 'not set' : 'set');
        seen.note('audit_events gave_up', gaveUpEvents.length);

        const later = [await world.watchdog(['check']), await world.watchdog(['check'])];
        const laterChecks = checksOf(world.dbPath).slice(-2);
        const beforeReset = { recoveries: recoveriesOf(world.dbPath).length, attempts: attempts(world) };
        seen.note('ticks 5-6', later.map(brief).join(', '));
        seen.note(
          'their checks',
          laterChecks.map((row) => `${row.health}/${row.action_taken ?? '-'}`),
        );
        seen.note('before reset', `${beforeReset.recoveries} recoveries, ${beforeReset.attempts} start attempts`);

        const reset = await world.watchdog(['reset', 'app']);
        const resetEvents = auditEventsOf(world.dbPath).filter((event) => event.kind === 'reset');
        const afterReset = await world.watchdog(['check']);
        const lastCheck = checksOf(world.dbPath).at(-1);
        const recoveries = recoveriesOf(world.dbPath);
        const bystanders = await bystanderReport(world);
        seen.note('reset', `${brief(reset)}, audit_events reset ${resetEvents.length}`);
        seen.note(
          'tick 7',
          `${brief(afterReset)}, ${lastCheck?.health ?? 'no state'}/${lastCheck?.action_taken ?? '-'}`,
        );
        seen.note(
          'in all',
          `${recoveries.length} recoveries (${recoveries.map((row) => row.outcome).join(', ')}), ${attempts(world)} start attempts, ${checksOf(world.dbPath).length} check rows`,
        );
        seen.note(describeBystanders(bystanders));

        assert.deepEqual(
          failing.map((result) => result.code),
          [1, 1, 1],
          'each failed recovery is exit 1',
        );
        for (const [index, result] of failing.entries())
          assert.match(result.stderr, new RegExp(`app: recovery #${index + 1} failed: start failed`));
        assert.deepEqual(afterThree, { recoveries: 3, attempts: 3 });

        assert.equal(givingUp.code, 1, `the check that gives up exits 1; stderr: ${givingUp.stderr}`);
        assert.match(givingUp.stderr, /^watchdog: app: gave up: 3 recoveries within .* \(max_recoveries 3\)/m);
        assert.match(
          givingUp.stderr,
          /^watchdog: app: no more recoveries until `watchdog on app` or `watchdog reset app`$/m,
        );
        assert.deepEqual([gaveUpCheck?.health, gaveUpCheck?.action_taken], ['gave_up', 'gave_up']);
        assert.ok(typeof state?.gave_up_at === 'string', `process_state.gave_up_at is set: ${JSON.stringify(state)}`);
        assert.match(String(state?.gave_up_reason), /gave up: 3 recoveries/);
        assert.equal(gaveUpEvents.length, 1, 'one audit_events row of kind gave_up');

        assert.deepEqual(
          later.map((result) => ({ code: result.code, output: result.stdout + result.stderr })),
          [
            { code: 0, output: '' },
            { code: 0, output: '' },
          ],
          'later ticks say nothing more (exit 1 and stderr only once, at the check that gave up)',
        );
        assert.deepEqual(
          laterChecks.map((row) => [row.health, row.action_taken]),
          [
            ['gave_up', null],
            ['gave_up', null],
          ],
        );
        assert.match(
          laterChecks[0]?.reason ?? '',
          /heartbeat: no_heartbeat/,
          "the reason keeps the heartbeat's own state",
        );
        assert.deepEqual(beforeReset, { recoveries: 3, attempts: 3 }, 'nothing ran while given up');

        assert.equal(reset.code, 0, `reset exits 0; stderr: ${reset.stderr}`);
        assert.equal(resetEvents.length, 1, 'reset is recorded as an audit_events row');
        assert.equal(
          afterReset.code,
          1,
          `the recovery after the reset ran (and failed again); stderr: ${afterReset.stderr}`,
        );
        assert.match(afterReset.stderr, /app: recovery #4 failed/);
        assert.deepEqual([lastCheck?.health, lastCheck?.action_taken], ['no_heartbeat', 'recovery']);
        assert.equal(recoveries.length, 4);
        assert.equal(attempts(world), 4);
        assert.equal(checksOf(world.dbPath).length, 7, 'one check row per tick');
        assertBystandersUntouched(bystanders);
      },
    ));

  it('waits out recovery_backoff_seconds after a failed recovery, recording backoff', () =>
    faultCase(
      'h.2',
      'start command always exits 1 (no heartbeat; threshold 1, recovery_backoff_seconds 60)',
      'tick 1: a failed recovery, exit 1; ticks 2-3 (within the 60 s): action_taken backoff, reason says when the next attempt comes, nothing run, exit 0',
      async (seen) => {
        const world = await startFaultWorld('backoff');
        writeFaultConfig(
          world.dir,
          { app: { heartbeat_path: 'hb/app.json', commands: { start: FAILING_START } } },
          { consecutive_failures_threshold: 1, recovery_backoff_seconds: 60 },
        );

        const ticks = [
          await world.watchdog(['check']),
          await world.watchdog(['check']),
          await world.watchdog(['check']),
        ];
        const checks = checksOf(world.dbPath);
        const recoveries = recoveriesOf(world.dbPath);
        const bystanders = await bystanderReport(world);
        seen.note('ticks', ticks.map(brief).join(', '));
        seen.note(
          'checks',
          checks.map((row) => `${row.health}/${row.action_taken ?? '-'}`),
        );
        seen.note('reason', checks[1]?.reason ?? 'none');
        seen.note(
          'recoveries',
          recoveries.map((row) => row.outcome),
        );
        seen.note('start attempts', attempts(world));
        seen.note(describeBystanders(bystanders));

        assert.deepEqual(
          ticks.map((result) => result.code),
          [1, 0, 0],
          `exit codes; stderr: ${ticks.map((result) => result.stderr).join(' | ')}`,
        );
        assert.deepEqual(
          checks.map((row) => [row.health, row.action_taken]),
          [
            ['no_heartbeat', 'recovery'],
            ['no_heartbeat', 'backoff'],
            ['no_heartbeat', 'backoff'],
          ],
        );
        for (const row of checks.slice(1))
          assert.match(row.reason ?? '', /next recovery in .*\(backoff .* after a failed recovery\)/);
        assert.deepEqual(
          recoveries.map((row) => row.outcome),
          ['failed'],
        );
        assert.equal(attempts(world), 1, 'the start ran once');
        assertBystandersUntouched(bystanders);
      },
    ));
});
