// Fault injection: the holes an attacker's review found in how the watchdog finds a daemon
// and stops a process tree (issue 20). A PID file the app's user owns naming a root process;
// a stranger that takes the start command's PID, or a timed-out command's root PID, once it
// is reaped (forced with ns_last_pid); a watchdog SIGKILLed while the tree it stops is frozen.
// Each runs the built watchdog inside a PID namespace; every process signalled or left is one
// the case started there.
import assert from 'node:assert/strict';
import { chownSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readSentinelRecord, startSentinel } from '../helpers/pid-namespace.js';
import { waitFor } from '../helpers/watchdog-in-namespace.js';
import { faultCase } from './report.js';
import {
  actionOutcomes,
  assertBystandersUntouched,
  bystanderReport,
  describeBystanders,
  describeRun,
  processRowOf,
  recoveriesOf,
  startFaultWorld,
  STUB_START,
  writeFaultConfig,
  } from './fault-scenario.js';

/** The user a hostile app runs as. */
const NOBODY = 65534;

describe('fault injection: holes of the review of daemons and process trees', () => {
  it('a PID file the app user owns naming a root process: never taken (no user set)', () =>
    faultCase(
      'w.1',
      "no `user`; pid_file in a folder owned by nobody; while the start waits, nobody's PID file names a root process started after the start command (not its descendant); two ticks",
      'the PID is not taken (it runs as root, the file is owned by nobody), nothing recorded, the next kill signals nothing; the root process and the bystander untouched',
      async (seen) => {
        const world = await startFaultWorld('review-pid-owner');
        const run = join(world.dir, 'run');
        mkdirSync(run);
        chownSync(run, NOBODY, NOBODY);
        writeFaultConfig(
          world.dir,
          { app: { heartbeat_path: 'hb/app.json', commands: { start: STUB_START }, pid_file: 'run/app.pid', start_grace_seconds: 0 } },
          { consecutive_failures_threshold: 1, recovery_backoff_seconds: 0, verify_delay: 3 },
        );
        const first = world.watchdog(['check']);
        await waitFor('the start command to run', () => existsSync(join(world.dir, 'started.log')));
        const victimRecord = join(world.dir, 'victim.signals');
        const victim = await startSentinel(world.ns, victimRecord, { detached: true });
        writeFileSync(join(run, 'app.pid'), `${victim}\n`);
        chownSync(join(run, 'app.pid'), NOBODY, NOBODY);
        const firstRun = await first;
        const second = await world.watchdog(['check']);
        const recoveries = recoveriesOf(world.dbPath);
        const row = processRowOf(world.dbPath, 'app');
        const startDetail = recoveries[0]?.actions.find((action) => action.action === 'start')?.detail ?? '';
        const victimSignals = readSentinelRecord(victimRecord).filter((line) => line !== 'ready');
        const victimState = await world.ns.state(victim);
        const bystanders = await bystanderReport(world);
        seen.note('ticks', `${describeRun(firstRun)}, ${describeRun(second)}`);
        seen.note('first start', startDetail.replaceAll(world.dir, '<dir>'));
        seen.note('recorded instance', String(row?.started_pid));
        seen.note('second recovery', actionOutcomes(recoveries[1]));
        seen.note('root process', `${victimState} (signals: ${victimSignals.join(',') || 'none'})`);
        seen.note(describeBystanders(bystanders));

        assert.match(startDetail, new RegExp(`names PID ${victim} runs as uid 0, not as uid ${NOBODY} that owns the PID file`));
        assert.equal(row?.started_pid, null, 'nothing recorded');
        assert.deepEqual(actionOutcomes(recoveries[1]), ['kill: nothing_to_kill', 'start: ok']);
        assert.deepEqual([victimState, victimSignals], ['alive', []], 'the root process was never signalled');
        assertBystandersUntouched(bystanders);
      },
    ));
});
