// End-to-end tests of the dead man's switch's `ping` object: the built watchdog, run as
// cron runs it, pings a monitoring service on 127.0.0.1 when a tick starts and when it
// ends (success or failure), in the URL styles of healthchecks.io, Uptime Kuma and Cronitor.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { killStartedAppsOnCleanup } from '../helpers/audit-rows.js';
import { onCleanup } from '../helpers/cleanup.js';
import { writeConfig, type ProcessEntry } from '../helpers/config-files.js';
import { holdLockInChild } from '../helpers/hold-lock.js';
import { runWatchdog } from '../helpers/run-watchdog.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { recoveriesIn } from '../helpers/watchdog-in-namespace.js';

/** One ping as the monitoring service saw it: its path and query, when it came and when it was answered. */
interface Ping {
  url: string;
  arrivedMs: number;
  answeredMs: number | undefined;
}

/**
 * A monitoring service on 127.0.0.1 that records every ping and answers 200, a ping whose
 * URL contains `hold` only after `holdMs` (or never, with `Infinity`).
 */
async function startMonitor(holdMs = 0): Promise<{ port: number; pings: Ping[] }> {
  const pings: Ping[] = [];
  const server = createServer((request, response) => {
    const ping: Ping = { url: request.url ?? '', arrivedMs: Date.now(), answeredMs: undefined };
    pings.push(ping);
    request.resume();
    const answer = (): void => {
      ping.answeredMs = Date.now();
      response.writeHead(200).end('OK');
    };
    if (!ping.url.includes('hold')) answer();
    else if (Number.isFinite(holdMs)) setTimeout(answer, holdMs);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onCleanup(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return { port: (server.address() as AddressInfo).port, pings };
}

/** An app with no heartbeat whose start leaves a `sleep` running: a recovery at the first check that succeeds. */
const APP: ProcessEntry = {
  heartbeat_path: 'hb/app.json',
  commands: { start: 'exec sleep 300' },
  recovery_actions: ['kill', 'start'],
  start_grace_seconds: 3600,
};

/** An app that cannot start: its recovery fails. */
const BROKEN: ProcessEntry = {
  heartbeat_path: 'hb/app.json',
  commands: { start: 'echo cannot start >&2; exit 1' },
  recovery_actions: ['kill', 'start'],
};

const TICK = { consecutive_failures_threshold: 1, verify_delay: 0.2, log_level: 'debug' };

function watchdogLog(dir: string): string {
  return readFileSync(join(dir, 'logs', 'watchdog.log'), 'utf8');
}

describe('ping (a real monitoring service on 127.0.0.1)', () => {
  it('Cronitor style: ?state=run when the tick starts, ?state=complete at its end, ?state=fail after a failed recovery', async () => {
    const dir = makeTempDir();
    const key = `key-${randomUUID()}`;
    const monitor = await startMonitor();
    const base = `http://127.0.0.1:${monitor.port}/p/\${CRONITOR_KEY}/gateway-17`;
    const ping = {
      start_url: `${base}?state=run`,
      success_url: `${base}?state=complete`,
      failure_url: `${base}?state=fail`,
      timeout_seconds: 5,
    };
    writeConfig(dir, { app: { ...APP, enabled: false } }, { ...TICK, ping });
    const env = { CRONITOR_KEY: key };

    const ok = await runWatchdog(['check'], { cwd: dir, env });
    assert.deepEqual(ok, { code: 0, stdout: '', stderr: '' });
    assert.deepEqual(
      monitor.pings.map((p) => p.url),
      [`/p/${key}/gateway-17?state=run`, `/p/${key}/gateway-17?state=complete`],
    );

    writeConfig(dir, { app: BROKEN }, { ...TICK, ping });
    const failed = await runWatchdog(['check'], { cwd: dir, env });
    assert.equal(failed.code, 1, failed.stderr);
    assert.deepEqual(
      monitor.pings.slice(2).map((p) => p.url),
      [`/p/${key}/gateway-17?state=run`, `/p/${key}/gateway-17?state=fail`],
    );
    const log = watchdogLog(dir);
    assert.match(log, /ping\.start_url: HTTP 200/);
    assert.match(log, /ping\.failure_url: HTTP 200/);
    assert.ok(!log.includes(key), 'the log never holds the key');
  });

  it('healthchecks.io style: /start does not delay healing, and is answered before the success ping goes out', async () => {
    const dir = makeTempDir();
    const dbPath = join(dir, 'watchdog.db');
    const uuid = randomUUID();
    // The start ping is answered after 2 s: the recovery must not wait for it.
    const monitor = await startMonitor(2000);
    const base = `http://127.0.0.1:${monitor.port}/\${HC_UUID}`;
    writeConfig(
      dir,
      { app: APP },
      { ...TICK, ping: { start_url: `${base}/start?hold`, success_url: base, failure_url: `${base}/fail` } },
    );

    const result = await runWatchdog(['check'], { cwd: dir, env: { HC_UUID: uuid } });
    killStartedAppsOnCleanup(dbPath);
    assert.deepEqual(result, { code: 0, stdout: '', stderr: '' });
    const [start, success, ...more] = monitor.pings;
    assert.deepEqual([start?.url, success?.url, more.length], [`/${uuid}/start?hold`, `/${uuid}`, 0]);
    const [recovery] = recoveriesIn(dbPath);
    assert.equal(recovery?.outcome, 'succeeded');
    assert.ok(start?.answeredMs !== undefined && success !== undefined);
    assert.ok(
      Date.parse(recovery?.started_at ?? '') < start.answeredMs,
      `the recovery started (${recovery?.started_at}) before the start ping was answered (${new Date(start.answeredMs).toISOString()})`,
    );
    assert.ok(success.arrivedMs >= start.answeredMs, 'the success ping goes out after the start ping’s answer');
  });

  it('Uptime Kuma style: a start ping that gets no answer ends at timeout_seconds, and the tick still pings its end', async () => {
    const dir = makeTempDir();
    const token = `push-${randomUUID()}`;
    const monitor = await startMonitor(Infinity);
    const push = `http://127.0.0.1:${monitor.port}/api/push/\${KUMA_TOKEN}`;
    writeConfig(
      dir,
      { app: { ...APP, enabled: false } },
      {
        ...TICK,
        ping: {
          start_url: `${push}?status=up&msg=started&hold`,
          success_url: `${push}?status=up&msg=OK&ping=`,
          failure_url: `${push}?status=down&msg=see%20the%20watchdog%20log`,
          timeout_seconds: 1,
        },
      },
    );
    const began = Date.now();
    const result = await runWatchdog(['check'], { cwd: dir, env: { KUMA_TOKEN: token } });
    const took = Date.now() - began;
    assert.deepEqual(result, { code: 0, stdout: '', stderr: '' });
    assert.deepEqual(
      monitor.pings.map((p) => p.url),
      [`/api/push/${token}?status=up&msg=started&hold`, `/api/push/${token}?status=up&msg=OK&ping=`],
    );
    assert.ok(took < 8000, `bounded by the timeout: ${took} ms`);
    assert.match(watchdogLog(dir), /warn +ping\.start_url: the monitoring service did not take it: timed out after 1s/);
  });

  it('pings nothing, not even the start, when another instance holds the lock', async () => {
    const dir = makeTempDir();
    const monitor = await startMonitor();
    const base = `http://127.0.0.1:${monitor.port}/hc`;
    writeConfig(
      dir,
      { app: { ...APP, enabled: false } },
      { ...TICK, ping: { start_url: `${base}/start`, success_url: base, failure_url: `${base}/fail` } },
    );
    const holder = await holdLockInChild(join(dir, 'watchdog.lock'));
    try {
      assert.deepEqual(await runWatchdog(['check'], { cwd: dir }), { code: 0, stdout: '', stderr: '' });
    } finally {
      await holder.release();
    }
    assert.deepEqual(monitor.pings, []);
  });

  it('refuses ping beside ping_url, and a ping without a URL, with exit 78', async () => {
    const dir = makeTempDir();
    writeConfig(dir, { app: APP }, { ping_url: 'http://127.0.0.1:1/a', ping: { success_url: 'http://127.0.0.1:1/b' } });
    const both = await runWatchdog(['validate'], { cwd: dir });
    assert.equal(both.code, 78);
    assert.match(
      both.stderr,
      /^ {2}ping_url: write either ping_url or ping, not both \(ping_url is success_url, with failure_url its \/fail\)$/m,
    );
    writeConfig(dir, { app: APP }, { ping: {} });
    const none = await runWatchdog(['check'], { cwd: dir });
    assert.equal(none.code, 78);
    assert.match(none.stderr, /^ {2}ping: give at least one of start_url, success_url and failure_url$/m);
  });

  it('pings nothing, not even failure_url, when the config is invalid (exit 78)', async () => {
    const dir = makeTempDir();
    const monitor = await startMonitor();
    const base = `http://127.0.0.1:${monitor.port}/hc`;
    writeConfig(
      dir,
      { app: { ...APP, start_grace_seconds: -1 } },
      { ...TICK, ping: { start_url: `${base}/start`, success_url: base, failure_url: `${base}/fail` } },
    );
    const run = await runWatchdog(['check'], { cwd: dir });
    assert.equal(run.code, 78, run.stderr);
    assert.deepEqual(monitor.pings, []);
  });

  it('validate says when each URL is requested', async () => {
    const dir = makeTempDir();
    writeConfig(
      dir,
      { app: APP },
      { ping: { start_url: 'http://127.0.0.1:1/s', failure_url: 'http://127.0.0.1:1/f' } },
    );
    const withPing = await runWatchdog(['validate'], { cwd: dir });
    assert.equal(withPing.code, 0, withPing.stderr);
    assert.deepEqual(withPing.stdout.split('\n').slice(1), [
      'ping.start_url: requested when a tick takes its lock, before its checks',
      'ping.failure_url: requested at the end of a tick with a failure',
      '',
    ]);
    writeConfig(dir, { app: APP }, { ping_url: 'http://127.0.0.1:1/p' });
    const withPingUrl = await runWatchdog(['validate'], { cwd: dir });
    assert.deepEqual(withPingUrl.stdout.split('\n').slice(1), [
      'ping_url: requested at the end of every tick, with /fail after a tick with a failure',
      '',
    ]);
  });
});
