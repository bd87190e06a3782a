// The systemd units in deploy/ as systemd itself reads them: `systemd-analyze verify`
// parses both, checks every setting and that the ExecStart binary (/usr/bin/node) exists.
// From the repository it also loads the drop-in watchdog.service.d/hardening.conf; copied
// alone, the units are checked as installed without it. Nothing is installed or started.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir } from '../helpers/temp-dir.js';
import { describe, it } from 'node:test';
import { requireOnPath } from '../helpers/find-on-path.js';

const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));
const UNITS = ['deploy/watchdog.service', 'deploy/watchdog.timer'];

describe('deploy/watchdog.service and deploy/watchdog.timer', () => {
  for (const [name, where] of [
    ['with the hardening drop-in (as in the repository)', () => join(REPOSITORY, 'deploy')],
    ['without it (the units alone)', copyUnitsAlone],
  ] as const) {
    it(`pass \`systemd-analyze verify\` ${name}, with no warning about either unit`, () => {
      const analyze = requireOnPath('systemd-analyze');
      const result = spawnSync(analyze, ['verify', ...UNITS.map((unit) => unit.replace('deploy/', ''))], {
        cwd: where(),
        encoding: 'utf8',
      });
      assert.equal(result.error, undefined, String(result.error));
      assert.equal(result.status, 0, `systemd-analyze verify failed:\n${result.stderr}${result.stdout}`);
      const aboutOurs = `${result.stderr}\n${result.stdout}`
        .split('\n')
        .filter((line) => /watchdog\.(service|timer)/.test(line));
      assert.deepEqual(aboutOurs, [], 'nothing said about the units');
    });
  }
});

/** The two unit files in a folder of their own, with no drop-in beside them. */
function copyUnitsAlone(): string {
  const dir = makeTempDir();
  for (const unit of UNITS) copyFileSync(join(REPOSITORY, unit), join(dir, unit.replace('deploy/', '')));
  return dir;
}
