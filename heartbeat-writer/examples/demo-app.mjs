#!/usr/bin/env node
// A small app supervised by watchdog: it does simulated work in a loop and beats
// once per iteration, so a stuck loop means no beats. The project's example config
// monitors it and the end-to-end tests drive it through the flags below.
//
//   node demo-app.mjs --heartbeat-dir DIR --key KEY [--interval-ms 1000]
//                     [--hang-after N] [--exit-after N] [--error-after N]
//                     [--status S] [--ignore-sigterm]
//
//   --hang-after N     after N beats keep running but never beat again (a hang)
//   --exit-after N     exit 0 right after beat N, leaving the file (a crash: stale file)
//   --error-after N    from beat N on, beat with status "error"
//   --status S         beat with status S instead of "running" (an app that reports
//                      more states, such as "degraded": see healthy_statuses)
//   --ignore-sigterm   log SIGTERM and keep running and beating (only SIGKILL stops it)
//
// SIGTERM (unless ignored) or SIGINT removes the heartbeat file and exits 0.
// Bad arguments: exit 2.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { HeartbeatWriter } from 'edge-watchdog-heartbeat';

const USAGE =
  'usage: demo-app.mjs --heartbeat-dir DIR --key KEY [--interval-ms 1000] ' +
  '[--hang-after N] [--exit-after N] [--error-after N] [--status S] [--ignore-sigterm]';

function fail(message) {
  process.stderr.write(`demo-app: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function parseCount(name, text, min) {
  if (text === undefined) return undefined;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min) {
    fail(`--${name} must be an integer >= ${min}, got ${JSON.stringify(text)}`);
  }
  return value;
}

function parseOptions(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        'heartbeat-dir': { type: 'string' },
        key: { type: 'string' },
        'interval-ms': { type: 'string' },
        'hang-after': { type: 'string' },
        'exit-after': { type: 'string' },
        'error-after': { type: 'string' },
        status: { type: 'string' },
        'ignore-sigterm': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (!values['heartbeat-dir']) fail('--heartbeat-dir is required');
  if (!values.key) fail('--key is required');
  if (values.status === '') fail('--status must not be empty');
  return {
    heartbeatDir: values['heartbeat-dir'],
    key: values.key,
    intervalMs: parseCount('interval-ms', values['interval-ms'], 1) ?? 1000,
    hangAfter: parseCount('hang-after', values['hang-after'], 0),
    exitAfter: parseCount('exit-after', values['exit-after'], 0),
    errorAfter: parseCount('error-after', values['error-after'], 1),
    status: values.status ?? 'running',
    ignoreSigterm: values['ignore-sigterm'] === true,
  };
}

/** Stands in for the app's real work (polling a device, draining a queue...). */
function doWork(iteration) {
  let digest = String(iteration);
  for (let round = 0; round < 200; round += 1) {
    digest = createHash('sha256').update(digest).digest('hex');
  }
  return digest;
}

/** A hang that keeps the process (and its signal handlers) alive but never returns. */
function hang() {
  setInterval(() => {}, 60_000);
  return new Promise(() => {});
}

const options = parseOptions(process.argv.slice(2));

let writer;
try {
  writer = new HeartbeatWriter({ heartbeatDir: options.heartbeatDir, processKey: options.key });
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}

function shutDown(signal) {
  writer.stop();
  process.stdout.write(`demo-app: ${signal}, heartbeat removed, exiting\n`);
  process.exit(0);
}
if (options.ignoreSigterm) {
  // An app stuck in a way that SIGTERM cannot fix: the watchdog must escalate to SIGKILL.
  process.on('SIGTERM', () => process.stdout.write('demo-app: SIGTERM ignored\n'));
} else {
  process.once('SIGTERM', () => shutDown('SIGTERM'));
}
process.once('SIGINT', () => shutDown('SIGINT'));

process.stdout.write(
  `demo-app: pid ${process.pid}, heartbeat ${writer.heartbeatPath}, interval ${options.intervalMs} ms\n`,
);

for (let iteration = 1; ; iteration += 1) {
  const beatsSoFar = iteration - 1;
  if (options.exitAfter !== undefined && beatsSoFar >= options.exitAfter) {
    // No stop(): the file stays behind, as after a crash.
    process.exit(0);
  }
  if (options.hangAfter !== undefined && beatsSoFar >= options.hangAfter) {
    await hang();
  }
  if (iteration > 1) await sleep(options.intervalMs);
  doWork(iteration);
  const failing = options.errorAfter !== undefined && iteration >= options.errorAfter;
  try {
    writer.beat(failing ? 'error' : options.status);
  } catch (error) {
    // A missed beat is what the watchdog detects; report it and keep working.
    process.stderr.write(`demo-app: heartbeat failed: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}
