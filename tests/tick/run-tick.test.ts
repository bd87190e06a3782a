import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { WatchdogConfig } from '../../src/config/types.js';
import { validateConfig } from '../../src/config/validate-config.js';
import { runTick } from '../../src/tick/run-tick.js';
import type { HttpOutcome, HttpRequest } from '../../src/system/http-request.js';
import type { TickDeps } from '../../src/tick/tick-deps.js';
import type { TickOutcome } from '../../src/tick/tick-outcome.js';
import { fakeRequest } from '../helpers/fake-request.js';
import { webProcessEntry } from '../helpers/process-config.js';
import { recordingLogger } from '../helpers/recording-logger.js';
import { recoveryReport } from '../helpers/recovery-report.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { ranTick } from '../helpers/tick-outcome.js';

/** A config whose ping_url is on loopback; the tests' fake request sends nothing anyway. */
function configWithPing(): WatchdogConfig {
  const dir = makeTempDir();
  const { config, errors } = validateConfig(
    { ping_url: 'http://127.0.0.1:9/ping', processes: { web: webProcessEntry() } },
    join(dir, 'config.json'),
  );
  assert.deepEqual(errors, []);
  assert.ok(config !== undefined);
  return config;
}

const ran = ranTick;

/** Runs a tick whose outcome is `tick`'s; returns what runTick made of it and the URLs pinged. */
async function runWith(tick: () => Promise<TickOutcome>) {
  const request = fakeRequest({ kind: 'response', status: 200 });
  const logger = recordingLogger();
  const run = await runTick(configWithPing(), { logger, env: {}, runCheckTick: tick, pingRequest: request });
  return { run, pinged: request.calls.map((call) => call.url.href), logger };
}

describe('runTick', () => {
  it('pings ping_url after a tick that did its job, and exits ok', async () => {
    const { run, pinged } = await runWith(async () => ran());
    assert.equal(run.kind, 'ran');
    assert.deepEqual(run.decision, { exit: 'ok', ping: 'success' });
    assert.deepEqual(pinged, ['http://127.0.0.1:9/ping']);
  });

  it('pings ping_url/fail after a tick with a failed recovery, and exits failed', async () => {
    const { run, pinged } = await runWith(async () => ran({ recoveries: [recoveryReport('web', 3, 'failed')] }));
    assert.deepEqual(run.decision, { exit: 'failed', ping: 'failure' });
    assert.deepEqual(pinged, ['http://127.0.0.1:9/ping/fail']);
  });

  it('leaves the ping to the instance that holds the lock', async () => {
    const { run, pinged } = await runWith(async () => ({ kind: 'lock-held', lockPath: '/run/watchdog.lock' }));
    assert.deepEqual(run.decision, { exit: 'ok', ping: 'none' });
    assert.deepEqual(pinged, []);
  });

  it('pings ping_url/fail when the tick throws, logs it, and hands the error back', async () => {
    const error = new Error('the disk went away');
    const { run, pinged, logger } = await runWith(async () => {
      throw error;
    });
    assert.equal(run.kind, 'threw');
    assert.equal(run.kind === 'threw' ? run.error : undefined, error);
    assert.deepEqual(run.decision, { exit: 'error', ping: 'failure' });
    assert.deepEqual(pinged, ['http://127.0.0.1:9/ping/fail']);
    assert.ok(logger.lines.includes('error tick failed: the disk went away'), logger.lines.join('\n'));
  });
});

/** A config with the `ping` object: start, success and failure on loopback. */
function configWithPingObject(): WatchdogConfig {
  const { config, errors } = validateConfig(
    {
      ping: {
        start_url: 'http://127.0.0.1:9/p?state=run',
        success_url: 'http://127.0.0.1:9/p?state=complete',
        failure_url: 'http://127.0.0.1:9/p?state=fail',
      },
      processes: { web: webProcessEntry() },
    },
    join(makeTempDir(), 'config.json'),
  );
  assert.deepEqual(errors, []);
  assert.ok(config !== undefined);
  return config;
}

/** A request function whose answers wait until `release()`, keeping the order of events in `log`. */
function heldRequest(log: string[]) {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const request = async (options: HttpRequest): Promise<HttpOutcome> => {
    log.push(`sent ${options.url.search}`);
    if (options.url.search === '?state=run') await held;
    log.push(`answered ${options.url.search}`);
    return { kind: 'response', status: 200 };
  };
  return { request, release };
}

describe('runTick with a start ping', () => {
  it('sends the start ping once the lock is held, runs the tick without waiting for it, and awaits it before the end ping', async () => {
    const log: string[] = [];
    const { request, release } = heldRequest(log);
    const tick = async (_config: WatchdogConfig, deps: TickDeps): Promise<TickOutcome> => {
      log.push('lock taken');
      deps.onLockTaken?.();
      // The start ping's answer has not come: the checks go on all the same.
      await new Promise((resolve) => setTimeout(resolve, 20));
      log.push('checks done');
      setTimeout(release, 20);
      return ran();
    };
    const run = await runTick(configWithPingObject(), {
      logger: recordingLogger(),
      env: {},
      runCheckTick: tick,
      pingRequest: request,
    });
    assert.deepEqual(run.decision, { exit: 'ok', ping: 'success' });
    assert.deepEqual(log, [
      'lock taken',
      'sent ?state=run',
      'checks done',
      'answered ?state=run',
      'sent ?state=complete',
      'answered ?state=complete',
    ]);
  });

  it('pings start then failure_url when the tick fails or throws after taking the lock', async () => {
    for (const end of [
      async () => ran({ recoveries: [recoveryReport('web', 3, 'failed')] }),
      async () => {
        throw new Error('the disk went away');
      },
    ]) {
      const request = fakeRequest({ kind: 'response', status: 200 });
      await runTick(configWithPingObject(), {
        logger: recordingLogger(),
        env: {},
        runCheckTick: async (_config, deps) => {
          deps.onLockTaken?.();
          return end();
        },
        pingRequest: request,
      });
      assert.deepEqual(
        request.calls.map((call) => call.url.search),
        ['?state=run', '?state=fail'],
      );
    }
  });

  it('pings nothing, not even the start, when the lock is held', async () => {
    const request = fakeRequest({ kind: 'response', status: 200 });
    await runTick(configWithPingObject(), {
      logger: recordingLogger(),
      env: {},
      runCheckTick: async () => ({ kind: 'lock-held', lockPath: '/run/watchdog.lock' }),
      pingRequest: request,
    });
    assert.deepEqual(request.calls, []);
  });

  it('gives both pings the run’s stop signal, so a SIGTERM does not wait on the monitoring service', async () => {
    const request = fakeRequest({ kind: 'response', status: 200 });
    const stop = new AbortController();
    await runTick(configWithPingObject(), {
      logger: recordingLogger(),
      env: {},
      signal: stop.signal,
      runCheckTick: async (_config, deps) => {
        deps.onLockTaken?.();
        return ran();
      },
      pingRequest: request,
    });
    assert.deepEqual(
      request.calls.map((call) => [call.url.search, call.signal === stop.signal]),
      [
        ['?state=run', true],
        ['?state=complete', true],
      ],
    );
  });

  it('sends no end ping when a SIGTERM comes as the tick ends, and does not wait on the unanswered start ping', async () => {
    const { server, port, paths, sockets } = await silentServer();
    try {
      const { config, errors } = validateConfig(
        {
          ping: {
            start_url: `http://127.0.0.1:${port}/p?state=run`,
            success_url: `http://127.0.0.1:${port}/p?state=complete`,
            failure_url: `http://127.0.0.1:${port}/p?state=fail`,
            timeout_seconds: 3,
          },
          processes: { web: webProcessEntry() },
        },
        join(makeTempDir(), 'config.json'),
      );
      assert.deepEqual(errors, []);
      assert.ok(config !== undefined);
      for (const end of [
        async () => ran(),
        async () => {
          throw new Error('the disk went away');
        },
      ]) {
        paths.length = 0;
        const stop = new AbortController();
        const started = Date.now();
        await runTick(config, {
          logger: recordingLogger(),
          env: {},
          signal: stop.signal,
          runCheckTick: async (_config, deps) => {
            deps.onLockTaken?.();
            // The checks are done; SIGTERM comes as the tick ends, the start ping still unanswered.
            await new Promise((resolve) => setTimeout(resolve, 100));
            setTimeout(() => stop.abort(), 50);
            return end();
          },
        });
        const tookMs = Date.now() - started;
        assert.deepEqual(paths, ['/p?state=run'], 'no end ping after SIGTERM (docs/notifications.md)');
        assert.ok(tookMs < 1500, `runTick held a SIGTERM's exit for ${tookMs} ms (the ping timeout is 3 s)`);
      }
    } finally {
      for (const socket of sockets) socket.destroy();
      server.close();
    }
  });
});

/** A loopback server that accepts, keeps the paths asked for, and never answers. */
async function silentServer(): Promise<{ server: Server; port: number; paths: string[]; sockets: Set<Socket> }> {
  const paths: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((request) => {
    paths.push(request.url ?? '');
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port, paths, sockets };
}
