// The systemd units in deploy/ as systemd itself reads them: `systemd-analyze verify`
// parses both, checks every setting and that the ExecStart binary (/usr/bin/node) exists.
// It loads the units from the repository; nothing is installed or started.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { findOnPath } from '../helpers/find-on-path.js';

const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));
const UNITS = ['deploy/watchdog.service', 'deploy/watchdog.timer'];

describe('deploy/watchdog.service and deploy/watchdog.timer', () => {
  it('pass `systemd-analyze verify` with no warning about either unit', (t) => {
    const analyze = findOnPath('systemd-analyze');
    if (analyze === undefined) {
      t.skip('systemd-analyze not installed (Debian package systemd)');
      return;
    }
    const result = spawnSync(analyze, ['verify', ...UNITS], { cwd: REPOSITORY, encoding: 'utf8' });
    assert.equal(result.error, undefined, String(result.error));
    assert.equal(result.status, 0, `systemd-analyze verify failed:\n${result.stderr}${result.stdout}`);
    const aboutOurs = `${result.stderr}\n${result.stdout}`.split('\n').filter((line) => /watchdog\.(service|timer)/.test(line));
    assert.deepEqual(aboutOurs, [], 'nothing said about the units');
  });
});
