import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { httpRequest } from '../../src/system/http-request.js';
import { runShellCommand } from '../../src/system/run-shell-command.js';
import { startDetached } from '../../src/system/start-detached.js';
import { onCleanup } from '../helpers/cleanup.js';
import { numericSettings } from '../helpers/config-numbers.js';
import { listenOnFreePort } from '../helpers/free-port.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/**
 * The real timers at the longest delay the config allows: a delay Node cannot hold (over
 * 2^31 - 1 ms) fires at once, which would time a command out as it starts, or call an app
 * that is still coming up started.
 */
function maximumMs(name: string): number {
  const maximum = numericSettings().find((setting) => setting.name === name)?.maximum;
  if (maximum === undefined) throw new Error(`no maximum for ${name}`);
  return maximum * 1000;
}

const hangGuard = { timeout: 30_000 };
const warnings: Error[] = [];
const onWarning = (warning: Error): void => {
  warnings.push(warning);
};

describe('timers at the maximum of their setting', () => {
  before(() => process.on('warning', onWarning));
  after(() => process.off('warning', onWarning));

  it(
    'a command run with cleanup_timeout and kill_timeout at their maximum ends by itself, not timed out',
    hangGuard,
    async () => {
      const result = await runShellCommand({
        command: 'sleep 0.2; exit 3',
        cwd: makeTempDir(),
        env: process.env,
        timeoutMs: maximumMs('cleanup_timeout'),
        killGraceMs: maximumMs('kill_timeout'),
      });
      assert.deepEqual([result.exitCode, result.timedOut], [3, false]);
    },
  );

  it('a start watched for verify_delay at its maximum is seen exiting, not called running', hangGuard, async () => {
    const dir = makeTempDir();
    const result = await startDetached({
      command: 'sleep 0.2; exit 3',
      cwd: dir,
      env: process.env,
      outputPath: join(dir, 'app.out'),
      verifyDelayMs: maximumMs('verify_delay'),
    });
    assert.deepEqual([result.outcome, result.exitCode], ['exited', 3]);
  });

  for (const name of [
    'network.alive.probes[].timeout_seconds',
    'notify.channels.<name>.timeout_seconds',
    'ping_timeout_seconds',
  ]) {
    it(`an HTTP request with ${name} at its maximum waits for a slow answer`, hangGuard, async () => {
      const server = createServer((_request, response) => {
        setTimeout(() => response.writeHead(204).end(), 200);
      });
      const port = await listenOnFreePort(server);
      onCleanup(() => server.close());
      const outcome = await httpRequest({
        url: new URL(`http://127.0.0.1:${port}/`),
        method: 'GET',
        timeoutMs: maximumMs(name),
      });
      assert.deepEqual(outcome, { kind: 'response', status: 204 });
    });
  }

  it('none of them asked for more than Node can wait', () => {
    assert.deepEqual(
      warnings.map((warning) => `${warning.name}: ${warning.message}`),
      [],
    );
  });
});
