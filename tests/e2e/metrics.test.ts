// End-to-end test of the Prometheus textfile: the built watchdog writes it, and a real
// node_exporter (Debian's prometheus-node-exporter, on 127.0.0.1 only, with just the
// textfile collector) serves it. What is asserted is what Prometheus would scrape.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { onCleanup } from '../helpers/cleanup.js';
import { writeConfig } from '../helpers/config-files.js';
import { requireOnPath } from '../helpers/find-on-path.js';
import { heartbeatText, writeFileAt } from '../helpers/heartbeats.js';
import { freePort } from '../helpers/free-port.js';
import { runWatchdog } from '../helpers/run-watchdog.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const EXPORTER = 'prometheus-node-exporter';
const READY_POLLS = 100;
const POLL_MS = 100;

interface Exporter {
  metricsUrl: string;
  stderr: () => string;
}

/** Starts node_exporter on 127.0.0.1 with only the textfile collector, reading `folder`; stopped when the test file ends. */
async function startExporter(binary: string, folder: string): Promise<Exporter> {
  const port = await freePort();
  const child = spawn(
    binary,
    [
      `--web.listen-address=127.0.0.1:${port}`,
      '--collector.disable-defaults',
      '--collector.textfile',
      `--collector.textfile.directory=${folder}`,
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = once(child, 'exit');
  onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  });
  const metricsUrl = `http://127.0.0.1:${port}/metrics`;
  for (let poll = 0; poll < READY_POLLS; poll += 1) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(metricsUrl)).ok) return { metricsUrl, stderr: () => stderr };
    } catch {
      // not listening yet
    }
    await sleep(POLL_MS);
  }
  throw new Error(`node_exporter did not serve ${metricsUrl} (exit code ${String(child.exitCode)}):\n${stderr}`);
}

/** The watchdog's own lines and node_exporter's textfile lines of a scrape: what a failure message shows. */
function ours(text: string): string {
  return text
    .split('\n')
    .filter((line) => /^(# (HELP|TYPE) )?(watchdog_|node_textfile_)/.test(line))
    .join('\n');
}

async function scrape(exporter: Exporter): Promise<string> {
  const response = await fetch(exporter.metricsUrl);
  assert.equal(response.status, 200, exporter.stderr());
  return response.text();
}

/**
 * The value of the sample `name` with exactly `labels` (in any order: node_exporter sorts
 * them), or `undefined` when there is none. Label values here hold no escapes.
 */
function valueOf(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = JSON.stringify(Object.entries(labels).sort());
  for (const line of text.split('\n')) {
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (sample?.[1] !== name) continue;
    const found = [...(sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g)].map((pair) => [
      pair[1],
      pair[2],
    ]);
    if (JSON.stringify(found.sort()) === wanted) return Number(sample[3]);
  }
  return undefined;
}

describe('the metrics textfile, served by a real node_exporter', () => {
  it('exports a healthy process as up, a tick without failure, and a file node_exporter reads without error', async () => {
    const binary = requireOnPath(EXPORTER);
    const dir = makeTempDir();
    const promDir = join(dir, 'prom');
    mkdirSync(promDir);
    // The app: a sleep this test owns, and a heartbeat the test writes for it.
    const app = spawn('sleep', ['300'], { stdio: 'ignore' });
    const appExited = once(app, 'exit');
    onCleanup(async () => {
      if (app.exitCode === null && app.signalCode === null) {
        app.kill('SIGKILL');
        await appExited;
      }
    });
    assert.ok(app.pid !== undefined, 'the sleep started');
    writeFileAt(join(dir, 'hb', 'web.json'), heartbeatText({ process_key: 'web', pid: app.pid }));
    writeConfig(
      dir,
      { web: { heartbeat_path: 'hb/web.json' } },
      { metrics: { textfile_path: join(promDir, 'watchdog.prom') } },
    );
    const exporter = await startExporter(binary, promDir);

    const beforeMs = Date.now();
    const result = await runWatchdog(['check'], { cwd: dir });
    const afterMs = Date.now();
    assert.deepEqual(result, { code: 0, stdout: '', stderr: '' }, 'a healthy tick prints nothing');

    const text = await scrape(exporter);
    assert.equal(valueOf(text, 'watchdog_process_up', { process: 'web' }), 1, ours(text));
    assert.equal(valueOf(text, 'watchdog_process_state', { process: 'web', state: 'healthy' }), 1, ours(text));
    assert.equal(valueOf(text, 'watchdog_process_consecutive_failures', { process: 'web' }), 0, ours(text));
    assert.equal(valueOf(text, 'watchdog_tick_failed'), 0, ours(text));
    const lastSuccess = valueOf(text, 'watchdog_last_successful_tick_timestamp_seconds');
    assert.ok(
      lastSuccess !== undefined && lastSuccess * 1000 >= beforeMs - 1000 && lastSuccess * 1000 <= afterMs + 1000,
      `the last successful tick is this one (between ${beforeMs} and ${afterMs} ms): ${String(lastSuccess)}`,
    );
    assert.match(text, /^# TYPE watchdog_process_up gauge$/m);
    assert.equal(
      valueOf(text, 'node_textfile_scrape_error'),
      0,
      `node_exporter read the textfile without error:\n${exporter.stderr()}`,
    );
    assert.ok(
      valueOf(text, 'node_textfile_mtime_seconds', { file: join(promDir, 'watchdog.prom') }) !== undefined,
      `node_exporter read ${join(promDir, 'watchdog.prom')}:\n${ours(text)}`,
    );

    // The control: a malformed file is what makes node_exporter report a scrape error.
    writeFileSync(join(promDir, 'malformed.prom'), 'watchdog_process_up{process="web" 1\n');
    assert.equal(valueOf(await scrape(exporter), 'node_textfile_scrape_error'), 1, 'a malformed textfile is reported');
  });

  it('exports a tick whose recovery failed: tick_failed 1, the process down, no successful tick yet, its events pending', async () => {
    const binary = requireOnPath(EXPORTER);
    const dir = makeTempDir();
    const promDir = join(dir, 'prom');
    mkdirSync(promDir);
    // A webhook nobody listens on: the recovery's two events wait in the queue.
    const hook = { type: 'webhook', url: `http://127.0.0.1:${await freePort()}/hook`, retries: 0, timeout_seconds: 2 };
    writeConfig(
      dir,
      { web: { heartbeat_path: 'hb/web.json', commands: { start: 'exit 1' } } },
      {
        consecutive_failures_threshold: 1,
        verify_delay: 0.2,
        metrics: { textfile_path: join(promDir, 'watchdog.prom') },
        notify: { channels: { hook } },
      },
    );
    const exporter = await startExporter(binary, promDir);

    const result = await runWatchdog(['check'], { cwd: dir });
    assert.equal(result.code, 1, `a failed recovery is exit 1; stderr: ${result.stderr}`);

    const text = await scrape(exporter);
    assert.equal(valueOf(text, 'node_textfile_scrape_error'), 0, exporter.stderr());
    assert.equal(valueOf(text, 'watchdog_tick_failed'), 1, ours(text));
    assert.equal(valueOf(text, 'watchdog_process_up', { process: 'web' }), 0, ours(text));
    assert.equal(valueOf(text, 'watchdog_process_state', { process: 'web', state: 'no_heartbeat' }), 1, ours(text));
    assert.equal(
      valueOf(text, 'watchdog_recoveries_total', { process: 'web', kind: 'recovery', outcome: 'failed' }),
      1,
      ours(text),
    );
    assert.equal(
      valueOf(text, 'watchdog_last_successful_tick_timestamp_seconds'),
      undefined,
      'no tick has succeeded yet',
    );
    assert.equal(
      valueOf(text, 'watchdog_notifications_pending', { channel: 'hook' }),
      2,
      `recovery_started and recovery_failed wait:\n${ours(text)}`,
    );
    const oldest = valueOf(text, 'watchdog_notification_oldest_pending_timestamp_seconds', { channel: 'hook' });
    const tickEnd = valueOf(text, 'watchdog_last_tick_timestamp_seconds');
    assert.ok(
      oldest !== undefined && tickEnd !== undefined && oldest <= tickEnd && oldest > tickEnd - 60,
      `the oldest waiting was raised during the tick: ${oldest} (tick ended ${tickEnd})`,
    );
  });
});
