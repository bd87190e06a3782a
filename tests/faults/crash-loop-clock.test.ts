// Fault injection: the crash-loop guard under clock steps. A device without a real-time clock
// steps its wall clock when NTP arrives; within a boot, the guard's window and backoff are
// measured on the boot clock (/proc/uptime), which no step moves. Each tick runs the built
// watchdog in a PID namespace on a wall clock libfaketime sets hours ahead of the last tick's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { envWrapper, fixedOffsetEnv } from './fake-clock.js';
import { faultCase } from './report.js';
import {
  assertBystandersUntouched,
  bystanderReport,
  checksOf,
  describeBystanders,
  describeRun,
  recoveriesOf,
  startFaultWorld,
  writeFaultConfig,
  FAILING_START,
  startAttempts as attempts,
  type FaultWorld,
} from './fault-scenario.js';

/** A tick of `check` on a wall clock `offset` from the real one. */
function tickAt(world: FaultWorld, offset: string) {
  return world.watchdog(['check'], { wrapper: envWrapper(fixedOffsetEnv(offset)) });
}

describe('fault injection: the crash-loop guard under clock steps', () => {
  it('gives up after max_recoveries though the wall clock stepped 2 h forward before every tick', () =>
    faultCase(
      'x.1',
      'start always exits 1 (threshold 1, max_recoveries 3 within 3600 s, no backoff); the wall clock steps 2 h forward before each of 4 ticks',
      'the 3 failed recoveries of the last minutes count though their wall times are hours apart: tick 4 is gave_up, no 4th start',
      async (seen) => {
        const world = await startFaultWorld('crash-loop-steps');
        writeFaultConfig(
          world.dir,
          { app: { heartbeat_path: 'hb/app.json', commands: { start: FAILING_START } } },
          {
            consecutive_failures_threshold: 1,
            max_recoveries: 3,
            recovery_window_seconds: 3600,
            recovery_backoff_seconds: 0,
          },
        );
        const runs = [];
        for (const offset of ['+0', '+2h', '+4h', '+6h']) runs.push(await tickAt(world, offset));
        const last = checksOf(world.dbPath).at(-1);
        const bystanders = await bystanderReport(world);
        seen.note('ticks', runs.map(describeRun).join(', '));
        seen.note('start attempts', attempts(world));
        seen.note('recoveries', recoveriesOf(world.dbPath).length);
        seen.note('tick 4', `${last?.health ?? 'no row'}/${last?.action_taken ?? '-'}`);
        seen.note(describeBystanders(bystanders));

        assert.equal(attempts(world), 3, 'three starts, no fourth');
        assert.deepEqual([last?.health, last?.action_taken], ['gave_up', 'gave_up']);
        assertBystandersUntouched(bystanders);
      },
    ));

  it('keeps a backoff though the wall clock stepped past it', () =>
    faultCase(
      'x.2',
      'start always exits 1 (threshold 1, recovery_backoff_seconds 600); tick 2 runs seconds later on a wall clock 2 h ahead',
      'tick 2 waits out the backoff (action_taken backoff, measured on the boot clock): one start attempt in all',
      async (seen) => {
        const world = await startFaultWorld('backoff-step');
        writeFaultConfig(
          world.dir,
          { app: { heartbeat_path: 'hb/app.json', commands: { start: FAILING_START } } },
          {
            consecutive_failures_threshold: 1,
            max_recoveries: 10,
            recovery_window_seconds: 3600,
            recovery_backoff_seconds: 600,
          },
        );
        const first = await tickAt(world, '+0');
        const second = await tickAt(world, '+2h');
        const last = checksOf(world.dbPath).at(-1);
        const bystanders = await bystanderReport(world);
        seen.note('ticks', `${describeRun(first)}, ${describeRun(second)}`);
        seen.note('start attempts', attempts(world));
        seen.note('tick 2', `${last?.health ?? 'no row'}/${last?.action_taken ?? '-'}: ${last?.reason ?? ''}`);
        seen.note(describeBystanders(bystanders));

        assert.equal(attempts(world), 1, 'no second start within the backoff');
        assert.equal(last?.action_taken, 'backoff');
        assert.match(last?.reason ?? '', /next recovery in \d+(\.\d+)?\s*(s|m|min)/);
        assertBystandersUntouched(bystanders);
      },
    ));
});
