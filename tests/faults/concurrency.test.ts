// Fault injection: races. A heartbeat rewritten in place while ticks read it, and twenty
// cron ticks started at the same moment on one config. Each runs the built watchdog inside
// a PID namespace with a bystander.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readSentinelRecord, type NsRunResult } from '../helpers/pid-namespace.js';
import { waitUntil } from '../helpers/owned-processes.js';
import { waitFor } from '../helpers/watchdog-in-namespace.js';
import { faultCase } from './report.js';
import {
  actionOutcomes,
  assertBystandersUntouched,
  bystanderReport,
  checksOf,
  describeBystanders,
  recoveriesOf,
  startFaultWorld,
  STUB_START,
  stubStarts,
  writeFaultConfig,
} from './fault-scenario.js';

const TORN_WRITER = fileURLToPath(new URL('fixtures/torn-writer.mjs', import.meta.url));

/** States a check of a live app whose heartbeat is being rewritten may record. */
const TORN_STATES: ReadonlySet<string> = new Set(['healthy', 'invalid_heartbeat', 'starting']);

/** Counts of each value, as `value×n`, in first-seen order. */
function tally(values: readonly unknown[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(String(value), (counts.get(String(value)) ?? 0) + 1);
  return [...counts].map(([value, count]) => `${value}×${count}`).join(', ') || 'none';
}

describe('fault injection: races', () => {
  it('survives a heartbeat rewritten non-atomically in a tight loop during 10 ticks', () =>
    faultCase(
      'd.1',
      'a live app rewrites its heartbeat non-atomically (truncate, then 8-byte writes) in a tight loop while 10 ticks run; threshold 100',
      'every tick exit 0 and quiet; 10 check_history rows; states only healthy/invalid_heartbeat/starting; no recovery; the writer alive and never signalled',
      async (seen) => {
        const world = await startFaultWorld('torn');
        const { ns, dir } = world;
        mkdirSync(join(dir, 'hb'));
        const heartbeatPath = join(dir, 'hb/torn.json');
        const writerRecord = join(dir, 'writer.signals');
        const writerPid = await ns.spawn([process.execPath, TORN_WRITER, heartbeatPath, 'torn', writerRecord], {
          cwd: dir,
          detached: true,
        });
        await waitFor('the writer to write its first whole heartbeat', () =>
          readSentinelRecord(writerRecord).includes('ready'),
        );
        writeFaultConfig(dir, { torn: { heartbeat_path: 'hb/torn.json' } }, { consecutive_failures_threshold: 100 });

        const ticks: NsRunResult[] = [];
        for (let tick = 0; tick < 10; tick += 1) ticks.push(await world.watchdog(['check']));
        const checks = checksOf(world.dbPath);
        const writerState = await ns.state(writerPid);
        const writerSignals = readSentinelRecord(writerRecord).filter((line) => line !== 'ready');
        const recoveries = recoveriesOf(world.dbPath);
        const bystanders = await bystanderReport(world);
        seen.note('exit codes', tally(ticks.map((tick) => (tick.signal === null ? tick.code : tick.signal))));
        seen.note('printed', tally(ticks.map((tick) => (tick.stdout + tick.stderr === '' ? 'nothing' : 'output'))));
        seen.note('check_history rows', checks.length);
        seen.note('states', tally(checks.map((row) => row.health)));
        seen.note(
          'reasons of invalid reads',
          tally(checks.filter((row) => row.health === 'invalid_heartbeat').map((row) => row.reason)),
        );
        seen.note('recoveries', recoveries.length);
        seen.note(`writer ${writerState} (signals: ${writerSignals.join(',') || 'none'})`);
        seen.note(describeBystanders(bystanders));

        assert.deepEqual(
          ticks.map((tick) => ({ code: tick.code, signal: tick.signal, output: tick.stdout + tick.stderr })),
          ticks.map(() => ({ code: 0, signal: null, output: '' })),
          'every tick exits 0 and prints nothing',
        );
        assert.equal(checks.length, 10, 'one check_history row per tick');
        const unexpected = checks.filter((row) => !TORN_STATES.has(row.health));
        assert.deepEqual(
          unexpected.map((row) => `${row.health}: ${row.reason ?? ''}`),
          [],
          'only healthy, invalid_heartbeat or starting',
        );
        assert.deepEqual(recoveries, [], 'no recovery: the threshold of 100 consecutive failures is never reached');
        assert.equal(writerState, 'alive', 'the writer is alive');
        assert.deepEqual(writerSignals, [], 'the writer was never signalled');
        assertBystandersUntouched(bystanders);
      },
    ));

  it('runs exactly one recovery when 20 ticks start at once; the other 19 log that the lock is held', () =>
    faultCase(
      'e.1',
      '20 `watchdog check` started at once on one config; the process is due (threshold 1), its recovery blocks in a stub until the others ended',
      'all 20 exit 0 and quiet; exactly one recovery (one stub line, one recoveries row, one check row); 19 log lines saying the lock is held',
      async (seen) => {
        const world = await startFaultWorld('twenty');
        const { dir } = world;
        // The stub says it ran, then holds the tick (and so the lock) until the test releases it.
        const stub = `echo "$$" >> stub.log; while [ ! -e release ]; do sleep 0.05; done`;
        writeFaultConfig(
          dir,
          {
            app: {
              heartbeat_path: 'hb/app.json',
              commands: { start: STUB_START, stub },
              recovery_actions: ['kill', 'stub', 'start'],
            },
          },
          { consecutive_failures_threshold: 1, cleanup_timeout: 120 },
        );
        const stubLines = (): string[] =>
          existsSync(join(dir, 'stub.log'))
            ? readFileSync(join(dir, 'stub.log'), 'utf8').split('\n').filter(Boolean)
            : [];

        let ended = 0;
        const runs = Array.from({ length: 20 }, () =>
          world.watchdog(['check'], { timeoutMs: 120_000 }).finally(() => {
            ended += 1;
          }),
        );
        // Every tick but the lock holder ends while the holder is blocked in its stub (a second
        // holder would block too, and the wait would end on the second stub line instead).
        // A generous bound: twenty Node processes start on what may be a small machine.
        await waitUntil(
          () => ended >= 19 || stubLines().length > 1,
          '19 of the 20 ticks ended (or a second stub line)',
          90_000,
        );
        const endedBeforeRelease = ended;
        writeFileSync(join(dir, 'release'), '');
        const results = await Promise.all(runs);

        const lines = stubLines();
        const recoveries = recoveriesOf(world.dbPath);
        const checks = checksOf(world.dbPath);
        const logPath = join(dir, 'logs/watchdog.log');
        const log = existsSync(logPath) ? readFileSync(logPath, 'utf8') : '';
        const lockHeldLines = log.split('\n').filter((line) => /holds the lock .*; this tick does nothing/.test(line));
        const bystanders = await bystanderReport(world);
        seen.note('exit codes', tally(results.map((result) => (result.signal === null ? result.code : result.signal))));
        seen.note('ticks printing something', results.filter((result) => result.stdout + result.stderr !== '').length);
        seen.note('ended while the holder blocked', endedBeforeRelease);
        seen.note('stub lines', lines.length);
        seen.note('recoveries rows', recoveries.length);
        seen.note('recovery', `${recoveries[0]?.outcome ?? 'none'} (${actionOutcomes(recoveries[0]).join(', ')})`);
        seen.note('check_history rows', checks.length);
        seen.note('"lock held" log lines', lockHeldLines.length);
        seen.note('stub starts', stubStarts(dir).length);
        seen.note(describeBystanders(bystanders));

        assert.deepEqual(
          results.map((result) => ({
            code: result.code,
            signal: result.signal,
            output: result.stdout + result.stderr,
          })),
          results.map(() => ({ code: 0, signal: null, output: '' })),
          'all 20 exit 0 and print nothing',
        );
        assert.equal(lines.length, 1, `the recovery's stub ran exactly once: ${JSON.stringify(lines)}`);
        assert.equal(recoveries.length, 1, 'one recoveries row');
        assert.deepEqual(actionOutcomes(recoveries[0]), ['kill: nothing_to_kill', 'stub: ok', 'start: ok']);
        assert.equal(recoveries[0]?.outcome, 'succeeded');
        assert.equal(checks.length, 1, 'only the tick that held the lock checked');
        assert.equal(lockHeldLines.length, 19, `19 ticks logged that the lock is held:\n${log}`);
        assert.deepEqual(stubStarts(dir), ['app'], 'one start');
        assertBystandersUntouched(bystanders);
      },
    ));
});
