// Fault injection: the CLI's output meets a hostile reader. Node's process.exit drops what a
// pipe has not taken yet, so `status --json` of 100 processes piped into `jq` was invalid
// JSON with exit 0. Here the built watchdog runs inside a PID namespace in a bash pipeline:
// a slow reader must get every byte, a reader that leaves early (`| head -1`) must cost no
// stack trace, and a full disk under `>` must not pass for success.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { writeManyProcessesConfig } from '../helpers/many-processes.js';
import { startSentinel, type NsRunResult } from '../helpers/pid-namespace.js';
import { WATCHDOG_BIN } from '../helpers/run-watchdog.js';
import { faultCase } from './report.js';
import {
  assertBystandersUntouched,
  bystanderReport,
  describeBystanders,
  describeRun,
  heartbeatJson,
  startFaultWorld,
  writeFaultConfig,
  writeHeartbeat,
  type FaultWorld,
} from './fault-scenario.js';

const SLOW_READER = fileURLToPath(new URL('../fixtures/slow-reader.mjs', import.meta.url));

interface PipelineRun {
  /** The watchdog's exit code (bash's PIPESTATUS[0]). */
  code: number;
  /** What the watchdog wrote on stderr. */
  stderr: string;
  /** What the reader printed. */
  readerOut: string;
  run: NsRunResult;
}

/** Runs `watchdog ARGS -c CONFIG 2>ERR | TAIL` in bash inside the world's PID namespace, from `/`. */
async function pipelineIn(world: FaultWorld, args: string[], tail: string): Promise<PipelineRun> {
  const errFile = join(world.dir, `watchdog-${args.join('-').replace(/[^a-z]/g, '')}-${Date.now()}.stderr`);
  const script = `"$1" "$2" "\${@:4}" 2> "$3" | ${tail}\nexit "\${PIPESTATUS[0]}"`;
  const run = await world.ns.run(
    ['bash', '-c', script, 'bash', process.execPath, WATCHDOG_BIN, errFile, ...args, '-c', world.configPath],
    { cwd: '/', timeoutMs: 60_000 },
  );
  return { code: run.code ?? -1, stderr: readFileSync(errFile, 'utf8'), readerOut: run.stdout, run };
}

describe('fault injection: output to hostile readers', () => {
  it('status --json of 3000 processes through a slow pipe arrives whole', () =>
    faultCase(
      't.1',
      '`status --json` of 3000 processes (some 5 MB) piped into a reader that pauses 20 ms after every chunk',
      'the reader gets as many bytes as a file does, valid JSON with 3000 processes; exit 0, nothing on stderr',
      async (seen) => {
        const world = await startFaultWorld('output-slow');
        writeManyProcessesConfig(world.dir, 3000);
        const reader = join(world.dir, 'slow-reader.mjs');
        copyFileSync(SLOW_READER, reader);

        const toFile = await pipelineIn(world, ['status', '--json'], `cat > ${join(world.dir, 'to-file.json')}`);
        const fileBytes = readFileSync(join(world.dir, 'to-file.json')).length;
        seen.note('to a file', `${fileBytes} bytes, exit ${toFile.code}`);
        assert.ok(
          fileBytes > 3_000_000,
          `precondition: megabytes of output (${fileBytes} bytes; ${describeRun(toFile.run)})`,
        );

        const slow = await pipelineIn(
          world,
          ['status', '--json'],
          `${JSON.stringify(process.execPath)} ${reader} ${join(world.dir, 'slow.json')} 20`,
        );
        const readerBytes = Number(slow.readerOut.trim());
        seen.note(
          'through the slow reader',
          `${readerBytes} bytes, exit ${slow.code}, stderr ${slow.stderr === '' ? 'empty' : JSON.stringify(slow.stderr.slice(0, 120))}`,
        );
        let processes: number | string;
        try {
          processes = (JSON.parse(readFileSync(join(world.dir, 'slow.json'), 'utf8')) as { processes: unknown[] })
            .processes.length;
        } catch (error) {
          processes = `invalid JSON (${(error as Error).message})`;
        }
        seen.note('parsed', typeof processes === 'number' ? `valid JSON, ${processes} processes` : processes);

        assert.equal(readerBytes, fileBytes, 'the slow reader got every byte');
        assert.equal(processes, 3000);
        assert.equal(slow.code, 0);
        assert.equal(slow.stderr, '');
      },
    ));

  it('status | head -1 and a reader that reads nothing cost no stack trace', () =>
    faultCase(
      't.2',
      '`status`, `status --json` and `history --json` of 2000 processes piped into `head -1`; `status --json` into `true` (reads nothing)',
      'one line through `head -1`; the watchdog writes nothing on stderr (no EPIPE, no stack trace) and exits 0: the reader chose to stop',
      async (seen) => {
        const world = await startFaultWorld('output-head');
        writeManyProcessesConfig(world.dir, 2000);
        const runs: [string, PipelineRun][] = [];
        for (const args of [['status'], ['status', '--json'], ['history', '--json', '-n', '5']])
          runs.push([`${args.join(' ')} | head -1`, await pipelineIn(world, args, 'head -1')]);
        runs.push(['status --json | true', await pipelineIn(world, ['status', '--json'], 'true')]);
        for (const [name, run] of runs) {
          const lines = run.readerOut === '' ? 0 : run.readerOut.split('\n').length - 1;
          seen.note(
            name,
            `exit ${run.code}, ${lines} line(s) read, stderr ${run.stderr === '' ? 'empty' : JSON.stringify(run.stderr.slice(0, 160))}`,
          );
        }
        for (const [name, run] of runs) {
          assert.equal(run.stderr, '', `${name}: nothing on stderr`);
          assert.equal(run.code, 0, name);
        }
        for (const [name, run] of runs.slice(0, 3))
          assert.equal(run.readerOut.split('\n').length, 2, `${name}: one line`);
      },
    ));

  it('status --json > /dev/full is an error, said once, not a stack trace and not success', () =>
    faultCase(
      't.3',
      '`status --json` of 50 processes redirected to /dev/full (every write fails with ENOSPC)',
      'exit 1 and one line on stderr saying standard output lost data; no stack trace',
      async (seen) => {
        const world = await startFaultWorld('output-full');
        writeManyProcessesConfig(world.dir, 50);
        const errFile = join(world.dir, 'full.stderr');
        const run = await world.ns.run(
          [
            'bash',
            '-c',
            '"$1" "$2" status --json -c "$3" > /dev/full 2> "$4"',
            'bash',
            process.execPath,
            WATCHDOG_BIN,
            world.configPath,
            errFile,
          ],
          { cwd: '/' },
        );
        const stderr = readFileSync(errFile, 'utf8');
        seen.note('exit', run.code);
        seen.note('stderr', JSON.stringify(stderr));
        assert.equal(run.code, 1);
        assert.equal(
          stderr,
          'watchdog: standard output could not be written, some of it is lost: ENOSPC: no space left on device, write\n',
        );
      },
    ));
  it('stop-all | head -1 still stops every process: the reader leaving does not end the command', () =>
    faultCase(
      't.10',
      '`stop-all` of 4 running apps piped into `head -1`: the reader is gone after the first line, while the watchdog still has three apps to stop (each kill waits up to kill_timeout 1 s)',
      'every app is turned off and stopped; nothing on stderr (no EPIPE stack trace); exit 0; the bystander untouched',
      async (seen) => {
        const world = await startFaultWorld('output-stop-all');
        mkdirSync(join(world.dir, 'hb'));
        const keys = ['app_0', 'app_1', 'app_2', 'app_3'];
        const pids: number[] = [];
        for (const key of keys) {
          const pid = await startSentinel(world.ns, join(world.dir, `${key}.signals`), { detached: true });
          writeHeartbeat(join(world.dir, 'hb', `${key}.json`), heartbeatJson({ process_key: key, pid }));
          pids.push(pid);
        }
        writeFaultConfig(world.dir, Object.fromEntries(keys.map((key) => [key, { heartbeat_path: `hb/${key}.json` }])));

        const stop = await pipelineIn(world, ['stop-all'], 'head -1');
        const status = await world.watchdog(['status', '--json']);
        const states = (JSON.parse(status.stdout) as { processes: { key: string; state: string }[] }).processes.map(
          (row) => `${row.key} ${row.state}`,
        );
        const apps = await Promise.all(pids.map((pid) => world.ns.state(pid)));
        const bystanders = await bystanderReport(world);
        seen.note(
          'stop-all | head -1',
          `exit ${stop.code}, read ${JSON.stringify(stop.readerOut.trim())}, stderr ${stop.stderr === '' ? 'empty' : JSON.stringify(stop.stderr.slice(0, 200))}`,
        );
        seen.note('status after', states);
        seen.note('the apps', apps);
        seen.note(describeBystanders(bystanders));
        assert.equal(stop.stderr, '');
        assert.equal(stop.code, 0);
        assert.deepEqual(
          states,
          keys.map((key) => `${key} off`),
        );
        assert.ok(
          apps.every((state) => state === 'dead' || state === 'zombie'),
          'every app was stopped',
        );
        assertBystandersUntouched(bystanders);
      },
    ));
});
