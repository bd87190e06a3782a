// Fault injection: heartbeat files whose contents (or kind of file) are wrong. The Python
// Watchdog crashed on the first malformed heartbeat, so nothing was checked; here every
// heartbeat problem is a per-process state with a reason and the tick checks every process
// (docs/heartbeats.md). Each tick runs the built watchdog inside a PID namespace with a bystander.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { faultCase } from './report.js';
import {
  actionOutcomes,
  assertBystandersUntouched,
  bystanderReport,
  checksOf,
  describeBystanders,
  describeRun,
  heartbeatJson,
  recoveriesOf,
  startFaultWorld,
  stubStarts,
  writeFaultConfig,
  writeHeartbeat,
  type FaultProcess,
} from './fault-scenario.js';

/**
 * Root reads any file whatever its mode (CAP_DAC_OVERRIDE), so a `chmod 000` heartbeat is
 * not unreadable to a watchdog running as root. The tick of the malformed-heartbeat case
 * therefore runs as root without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (as a watchdog
 * running as a service user would be): then mode 000 means permission denied. Nothing else
 * in that tick needs those capabilities (the test's files are root's own, /proc is readable).
 */
const WITHOUT_DAC_OVERRIDE = [
  'setpriv',
  '--inh-caps=-dac_override,-dac_read_search',
  '--bounding-set=-dac_override,-dac_read_search',
  '--',
] as const;

interface MalformedCase {
  key: string;
  fault: string;
  /** The state and the pattern its reason must match. */
  state: string;
  reason: RegExp;
  /** Puts the fault in place; returns the heartbeat_path (relative to the config). */
  make: (hb: string, bystanderPid: number) => string;
}

const MALFORMED: MalformedCase[] = [
  {
    key: 'naive_timestamp',
    fault: 'heartbeat with a naive timestamp (no time zone)',
    state: 'invalid_heartbeat',
    reason: /no time zone/,
    make: (hb, pid) =>
      file(
        hb,
        'naive_timestamp.json',
        heartbeatJson({ process_key: 'naive_timestamp', pid, timestamp: '2026-02-05T06:17:29.601049' }),
      ),
  },
  {
    key: 'pid_null',
    fault: 'heartbeat with "pid": null',
    state: 'invalid_heartbeat',
    reason: /pid must be an integer .*\(got null\)/,
    make: (hb) => file(hb, 'pid_null.json', heartbeatJson({ process_key: 'pid_null', pid: null })),
  },
  {
    key: 'non_utf8',
    fault: 'heartbeat with bytes that are not UTF-8',
    state: 'invalid_heartbeat',
    reason: /UTF-8/,
    make: (hb, pid) =>
      file(
        hb,
        'non_utf8.json',
        Buffer.concat([
          Buffer.from(`{"process_key": "non_utf8", "pid": ${pid}, "status": "`),
          Buffer.from([0xff, 0xfe, 0xc3]),
          Buffer.from('"}'),
        ]),
      ),
  },
  {
    key: 'directory',
    fault: 'heartbeat path is a directory',
    state: 'invalid_heartbeat',
    reason: /directory/,
    make: (hb) => {
      mkdirSync(join(hb, 'directory.json'));
      return 'hb/directory.json';
    },
  },
  {
    key: 'unreadable',
    fault: 'heartbeat file mode 000 (tick run as root without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH)',
    state: 'invalid_heartbeat',
    reason: /not readable \(permission denied\)/,
    make: (hb, pid) => file(hb, 'unreadable.json', heartbeatJson({ process_key: 'unreadable', pid }), 0o000),
  },
  {
    key: 'empty',
    fault: 'empty heartbeat file',
    state: 'invalid_heartbeat',
    reason: /empty/,
    make: (hb) => file(hb, 'empty.json', ''),
  },
  {
    key: 'truncated',
    fault: 'truncated JSON',
    state: 'invalid_heartbeat',
    reason: /not valid JSON/,
    make: (hb, pid) => file(hb, 'truncated.json', heartbeatJson({ process_key: 'truncated', pid }).slice(0, 37)),
  },
  {
    key: 'json_array',
    fault: 'a JSON array instead of an object',
    state: 'invalid_heartbeat',
    reason: /not a JSON object \(got \[/,
    make: (hb, pid) => file(hb, 'json_array.json', JSON.stringify([{ process_key: 'json_array', pid }])),
  },
  {
    key: 'missing_keys',
    fault: 'heartbeat missing required keys (timestamp, iteration; status too, which is not required)',
    state: 'invalid_heartbeat',
    reason: /lacks timestamp, iteration$/,
    make: (hb, pid) => file(hb, 'missing_keys.json', JSON.stringify({ process_key: 'missing_keys', pid })),
  },
  {
    key: 'huge',
    fault: 'huge heartbeat file (> 64 KiB, otherwise valid)',
    state: 'invalid_heartbeat',
    reason: /too large/,
    make: (hb, pid) =>
      file(hb, 'huge.json', heartbeatJson({ process_key: 'huge', pid, padding: 'x'.repeat(70 * 1024) })),
  },
  {
    key: 'fifo',
    fault: 'heartbeat path is a FIFO with no writer',
    state: 'invalid_heartbeat',
    reason: /not a regular file/,
    make: (hb) => {
      execFileSync('mkfifo', ['-m', '0644', join(hb, 'fifo.json')]);
      return 'hb/fifo.json';
    },
  },
  {
    key: 'parent_is_file',
    fault: 'a folder on the heartbeat path is a regular file',
    state: 'invalid_heartbeat',
    reason: /not a directory/,
    make: (hb) => {
      file(hb, 'plain-file', 'not a folder');
      return 'hb/plain-file/parent_is_file.json';
    },
  },
];

/** Writes `hb/NAME` and returns its path relative to the config. */
function file(hb: string, name: string, contents: string | Buffer, mode = 0o644): string {
  writeHeartbeat(join(hb, name), contents, mode);
  return `hb/${name}`;
}

describe('fault injection: malformed heartbeats', () => {
  it('checks every malformed heartbeat in one tick: exit 0, one row each, each invalid_heartbeat with its reason', async (t) => {
    const world = await startFaultWorld('malformed');
    const hb = join(world.dir, 'hb');
    mkdirSync(hb);
    const processes: Record<string, FaultProcess> = {
      // A healthy process beside them: its heartbeat names the bystander, alive and fresh.
      control: {
        heartbeat_path: file(hb, 'control.json', heartbeatJson({ process_key: 'control', pid: world.bystander.pid })),
      },
    };
    for (const fault of MALFORMED) processes[fault.key] = { heartbeat_path: fault.make(hb, world.bystander.pid) };
    writeFaultConfig(world.dir, processes);

    const tick = await world.watchdog(['check'], { wrapper: WITHOUT_DAC_OVERRIDE });
    const checks = checksOf(world.dbPath);
    const bystanders = await bystanderReport(world);
    const keys = Object.keys(processes);

    await t.test('the tick as a whole', () =>
      faultCase(
        'a.0',
        `all ${MALFORMED.length} malformed heartbeats at once, beside a healthy process, in one tick`,
        'exit 0, nothing printed; one check_history row per process; the healthy one healthy; nothing started or signalled',
        (seen) => {
          seen.note(describeRun(tick));
          seen.note('check_history rows', `${checks.length} for ${keys.length} processes`);
          const control = checks.find((row) => row.process_key === 'control');
          seen.note('control', control?.health ?? 'no row');
          seen.note('recoveries', recoveriesOf(world.dbPath).length);
          seen.note('stub starts', stubStarts(world.dir).length);
          seen.note(describeBystanders(bystanders));
          assert.deepEqual(
            { code: tick.code, signal: tick.signal, stdout: tick.stdout, stderr: tick.stderr },
            { code: 0, signal: null, stdout: '', stderr: '' },
          );
          assert.deepEqual(
            checks.map((row) => row.process_key).sort(),
            [...keys].sort(),
            'exactly one check_history row per process',
          );
          assert.equal(control?.health, 'healthy', `the healthy process: ${control?.reason ?? 'no row'}`);
          assert.equal(
            recoveriesOf(world.dbPath).length,
            0,
            'one failure each is below the threshold of 2: no recovery',
          );
          assert.deepEqual(stubStarts(world.dir), [], 'nothing was started');
          assertBystandersUntouched(bystanders);
        },
      ),
    );

    for (const [index, fault] of MALFORMED.entries()) {
      await t.test(fault.key, () =>
        faultCase(
          `a.${index + 1}`,
          fault.fault,
          `${fault.state}, reason matching ${fault.reason.source}; counted as failure 1`,
          (seen) => {
            const rows = checks.filter((row) => row.process_key === fault.key);
            const row = rows[0];
            seen.note(`${rows.length} row(s)`);
            seen.note(`${row?.health ?? 'no state'}: ${row?.reason ?? 'no reason'}`);
            seen.note('failures', row?.consecutive_failures ?? null);
            seen.note('pid', row?.pid ?? null);
            assert.equal(rows.length, 1, `one check_history row for ${fault.key}`);
            assert.equal(row?.health, fault.state, `${fault.key}: ${row?.reason ?? ''}`);
            assert.match(row?.reason ?? '', fault.reason);
            assert.equal(row?.consecutive_failures, 1);
          },
        ),
      );
    }
  });

  it('a heartbeat dated in the year 2100 is invalid_heartbeat, and the PID it names is never signalled', () =>
    faultCase(
      'k.1',
      'heartbeat timestamp far in the future (2100-01-01), naming a live bystander; threshold 1, pipeline kill → start',
      'invalid_heartbeat, reason about the future; the live PID it names may be the app, so the recovery is refused (skipped, no kill, no second copy); bystander alive and unsignalled; exit 0',
      async (seen) => {
        const world = await startFaultWorld('future');
        const hb = join(world.dir, 'hb');
        mkdirSync(hb);
        const heartbeat = heartbeatJson({
          process_key: 'future',
          pid: world.bystander.pid,
          timestamp: '2100-01-01T00:00:00.000000+00:00',
        });
        writeFaultConfig(
          world.dir,
          { future: { heartbeat_path: file(hb, 'future.json', heartbeat) } },
          { consecutive_failures_threshold: 1 },
        );

        const tick = await world.watchdog(['check']);
        const [check, ...more] = checksOf(world.dbPath);
        const [recovery] = recoveriesOf(world.dbPath);
        const kill = recovery?.actions.find((action) => action.action === 'kill');
        const bystanders = await bystanderReport(world);
        seen.note(describeRun(tick));
        seen.note(`${check?.health ?? 'no state'}: ${check?.reason ?? 'no reason'}`);
        seen.note('recovery', `${recovery?.outcome ?? 'none'}: ${recovery?.detail ?? ''}`);
        seen.note('actions', actionOutcomes(recovery));
        seen.note('kill signalled', kill?.signal ?? 'nothing');
        seen.note('starts', stubStarts(world.dir).length);
        seen.note(describeBystanders(bystanders));

        assert.equal(tick.code, 0, tick.stderr);
        assert.equal(more.length, 0, 'one check row');
        assert.equal(check?.health, 'invalid_heartbeat', check?.reason ?? '');
        assert.match(check?.reason ?? '', /in the future/);
        assert.deepEqual(
          { outcome: recovery?.outcome, actions: actionOutcomes(recovery), kill },
          { outcome: 'skipped', actions: [], kill: undefined },
          'the recovery was refused',
        );
        assert.match(
          recovery?.detail ?? '',
          new RegExp(`names PID ${world.bystander.pid}, which is alive: it may be the app`),
        );
        assert.deepEqual(stubStarts(world.dir), [], 'no second copy started');
        assertBystandersUntouched(bystanders);
      },
    ));
});
