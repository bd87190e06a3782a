import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { WatchdogConfig } from '../../src/config/types.js';
import { validateConfig } from '../../src/config/validate-config.js';
import { runTick } from '../../src/tick/run-tick.js';
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
