// Fault injection: recoveries that go wrong half-way. The watchdog SIGKILLed in the middle
// of a pipeline, and a cleanup that hangs with a child that ignores SIGTERM. Each runs the
// built watchdog inside a PID namespace with a bystander; /proc is read inside it.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { WATCHDOG_BIN } from '../helpers/run-watchdog.js';
import { waitFor } from '../helpers/watchdog-in-namespace.js';
import { faultCase } from './report.js';
import {
  actionOutcomes,
  assertBystandersUntouched,
  bystanderReport,
  checksOf,
  describeBystanders,
  describeRun,
  recoveriesOf,
  startFaultWorld,
  STUB_START,
  stubStarts,
  writeFaultConfig,
} from './fault-scenario.js';

function linesOf(path: string): string[] {
  return existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
    : [];
}

describe('fault injection: recoveries interrupted or hung', () => {
  it('a watchdog SIGKILLed mid-recovery leaves the recovery running; the next tick marks it interrupted and recovers again', () =>
    faultCase(
      'f.1',
      'the watchdog SIGKILLed while its recovery blocks in a cleanup action (threshold 1, backoff 0, pipeline kill → block → stub start)',
      "the recoveries row stays `running`; the next tick, at once, takes the dead tick's lock (it dies with its holder), marks the recovery `interrupted`, records its check and, still due, runs a new recovery that succeeds; exit 0",
      async (seen) => {
        const world = await startFaultWorld('sigkill');
        const { ns, dir } = world;
        // The cleanup blocks the first time it runs (the test kills the watchdog meanwhile) and
        // returns at once after that.
        writeFileSync(
          join(dir, 'block.sh'),
          [
            'echo "$$" >> block.runs',
            'if [ ! -e blocked-once ]; then',
            '  : > blocked-once',
            '  exec sleep 1000',
            'fi',
            '',
          ].join('\n'),
        );
        writeFaultConfig(
          dir,
          {
            app: {
              heartbeat_path: 'hb/app.json',
              commands: { start: STUB_START, block: 'sh block.sh' },
              recovery_actions: ['kill', 'block', 'start'],
            },
          },
          { consecutive_failures_threshold: 1, recovery_backoff_seconds: 0 },
        );

        const first = world.watchdog(['check']);
        await waitFor('the cleanup to block', () => existsSync(join(dir, 'blocked-once')));
        const watchdogs = (await ns.processes()).filter(
          (entry) => entry.cmdline.includes(WATCHDOG_BIN) && entry.state !== 'Z',
        );
        assert.equal(watchdogs.length, 1, `one watchdog runs: ${JSON.stringify(watchdogs)}`);
        await ns.signal(watchdogs[0]?.pid ?? 0, 'SIGKILL');
        const killed = await first;
        const afterKill = { recoveries: recoveriesOf(world.dbPath), checks: checksOf(world.dbPath) };
        seen.note('first tick', describeRun(killed));
        seen.note(
          'after the kill: recoveries',
          afterKill.recoveries.map((row) => `${row.outcome} (${actionOutcomes(row).join(', ')})`),
        );
        seen.note('check rows', afterKill.checks.length);

        // The dead tick's lock died with it (a kernel lock, and a directory naming a dead owner): no wait.
        const lockLeft = existsSync(join(dir, 'watchdog.lock'));
        const next = await world.watchdog(['check']);
        const recoveries = recoveriesOf(world.dbPath);
        const checks = checksOf(world.dbPath);
        const log = existsSync(join(dir, 'logs/watchdog.log'))
          ? readFileSync(join(dir, 'logs/watchdog.log'), 'utf8')
          : '';
        const leftover = (await ns.processes()).filter(
          (entry) => entry.state !== 'Z' && entry.cmdline.join(' ') === 'sleep 1000',
        );
        const bystanders = await bystanderReport(world);
        seen.note('lock directory left by the killed tick', lockLeft);
        seen.note('tick at once', describeRun(next));
        seen.note(
          'recoveries',
          recoveries.map((row) => `#${row.id} ${row.outcome} (${actionOutcomes(row).join(', ')})`),
        );
        seen.note(
          'checks',
          checks.map((row) => `${row.health}/${row.action_taken ?? '-'}/#${row.recovery_id ?? '-'}`),
        );
        seen.note('cleanup runs', linesOf(join(dir, 'block.runs')).length);
        seen.note('stub starts', stubStarts(dir).length);
        seen.note(
          "the killed tick's blocked cleanup",
          leftover.length === 0 ? 'gone' : `still running (${leftover.length} process)`,
        );
        seen.note(describeBystanders(bystanders));

        assert.equal(killed.signal, 'SIGKILL', 'the first tick was killed');
        assert.deepEqual(
          afterKill.recoveries.map((row) => ({
            outcome: row.outcome,
            finished: row.finished_at,
            actions: actionOutcomes(row),
          })),
          [{ outcome: 'running', finished: null, actions: ['kill: nothing_to_kill'] }],
          'the recovery row, written before its first action, stays running',
        );
        assert.deepEqual(
          afterKill.checks.map((row) => [row.health, row.action_taken]),
          [['no_heartbeat', 'recovery']],
          'the check that triggered it is recorded',
        );
        assert.deepEqual(
          { code: next.code, signal: next.signal, stderr: next.stderr },
          { code: 0, signal: null, stderr: '' },
          'the next tick exits 0',
        );
        assert.deepEqual(
          recoveries.map((row) => ({ outcome: row.outcome, actions: actionOutcomes(row) })),
          [
            { outcome: 'interrupted', actions: ['kill: nothing_to_kill'] },
            { outcome: 'succeeded', actions: ['kill: nothing_to_kill', 'block: ok', 'start: ok'] },
          ],
        );
        assert.match(recoveries[0]?.detail ?? '', /stopped before this recovery ended/);
        assert.ok(recoveries[0]?.finished_at !== null, 'the interrupted recovery has a finish time');
        assert.deepEqual(
          checks.map((row) => [row.health, row.consecutive_failures, row.action_taken, row.recovery_id]),
          [
            ['no_heartbeat', 1, 'recovery', recoveries[0]?.id],
            ['no_heartbeat', 2, 'recovery', recoveries[1]?.id],
          ],
          'both checks recorded; the failure count was still at the threshold, so the recovery ran again',
        );
        assert.match(log, /1 recovery was interrupted/);
        assert.equal(linesOf(join(dir, 'block.runs')).length, 2, 'the cleanup ran once per recovery');
        assert.deepEqual(stubStarts(dir), ['app'], 'one start, by the second recovery');
        assertBystandersUntouched(bystanders);
      },
    ));

  it('a hung cleanup whose child ignores SIGTERM is timed out and its whole process group killed', () =>
    faultCase(
      'g.1',
      'a cleanup action that hangs and forks a child ignoring SIGTERM (cleanup_timeout 1 s, kill_timeout 1 s; pipeline kill → hang → stub start)',
      'the tick finishes, exit 0 (a failed custom action is a warning); the action recorded failed with timed_out; no live process of its group left in /proc; the start still runs',
      async (seen) => {
        const world = await startFaultWorld('hung-cleanup');
        const { ns, dir } = world;
        writeFileSync(
          join(dir, 'hang.sh'),
          [
            "trap '' TERM",
            // The child inherits the ignored SIGTERM (and keeps it across exec).
            "sh -c 'echo $$ > grandchild.pid; exec sleep 1000' &",
            'echo $$ > cleanup.pid',
            'while :; do sleep 1; done',
            '',
          ].join('\n'),
        );
        writeFaultConfig(
          dir,
          {
            app: {
              heartbeat_path: 'hb/app.json',
              commands: { start: STUB_START, hang: 'sh hang.sh' },
              recovery_actions: ['kill', 'hang', 'start'],
            },
          },
          { consecutive_failures_threshold: 1, cleanup_timeout: 1, kill_timeout: 1 },
        );

        const tick = await world.watchdog(['check']);
        const checks = checksOf(world.dbPath);
        const [recovery, ...more] = recoveriesOf(world.dbPath);
        const hang = recovery?.actions.find((action) => action.action === 'hang');
        const group = hang?.pid ?? null;
        const table = await ns.processes();
        const leftInGroup = table.filter((entry) => group !== null && entry.pgid === group && entry.state !== 'Z');
        const pids = ['cleanup.pid', 'grandchild.pid'].map((name) => Number(linesOf(join(dir, name))[0]));
        const states = await Promise.all(
          pids.map((pid) => (Number.isSafeInteger(pid) && pid > 1 ? ns.state(pid) : Promise.resolve('no PID written'))),
        );
        const bystanders = await bystanderReport(world);
        seen.note(describeRun(tick));
        seen.note(
          'checks',
          checks.map((row) => `${row.health}/${row.action_taken ?? '-'}`),
        );
        seen.note('actions', actionOutcomes(recovery));
        seen.note('hang', `timed_out ${String(hang?.timed_out)}, ${hang?.detail ?? 'no detail'}`);
        seen.note(
          `live members of process group ${String(group)}`,
          leftInGroup.map((entry) => `${entry.pid} ${entry.cmdline.join(' ')}`),
        );
        seen.note('cleanup script / its child', states.join(' / '));
        seen.note('recovery', recovery?.outcome ?? 'none');
        seen.note(describeBystanders(bystanders));

        assert.equal(tick.code, 0, `exit code; stderr: ${tick.stderr}`);
        assert.deepEqual(
          checks.map((row) => [row.health, row.action_taken, row.recovery_id]),
          [['no_heartbeat', 'recovery', recovery?.id]],
          'its check is recorded',
        );
        assert.equal(more.length, 0, 'one recovery');
        assert.deepEqual(actionOutcomes(recovery), ['kill: nothing_to_kill', 'hang: failed', 'start: ok']);
        assert.equal(hang?.timed_out, 1, 'recorded as timed out');
        assert.match(hang?.detail ?? '', /timed out after 1s \(cleanup_timeout\)/);
        assert.ok(group !== null && group > 1, `the action's PID (its process group) was recorded: ${String(group)}`);
        assert.deepEqual(leftInGroup, [], "no live process of the cleanup's group is left");
        for (const [index, state] of states.entries()) {
          assert.ok(
            state === 'dead' || state === 'zombie',
            `${['the cleanup script', 'its SIGTERM-ignoring child'][index] ?? '?'} is gone, but it is ${state}`,
          );
        }
        assert.equal(recovery?.outcome, 'succeeded', 'the pipeline went on to the start');
        assert.deepEqual(stubStarts(dir), ['app']);
        assertBystandersUntouched(bystanders);
      },
    ));
});
