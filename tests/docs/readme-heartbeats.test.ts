// The README's heartbeat writers for Python (the single-file writer) and a shell loop
// (`watchdog beat`), run as written: each writes a heartbeat that the built watchdog finds healthy. A dry run reads them and signals, starts
// and records nothing; the two writers are this test's own children, killed when it ends.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { makeTempDir } from '../helpers/temp-dir.js';
import { killGroupOnCleanup, waitUntil } from '../helpers/owned-processes.js';
import { runWatchdog, WATCHDOG_BIN } from '../helpers/run-watchdog.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The fenced block of `language` that contains `marker`. */
function blockWith(language: string, marker: string): string {
  const block = [...README.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)\\n```', 'g'))]
    .map((match) => match[1] ?? '')
    .find((text) => text.includes(marker));
  assert.ok(block !== undefined, `README has no ${language} block with "${marker}"`);
  return block;
}

/** The folder of the single-file Python writer. */
const PYTHON_WRITER = fileURLToPath(new URL('../../heartbeat-writer/python', import.meta.url));

/** Starts `command ARGS` in a process group of its own, killed when the test file ends. */
function startWriter(
  command: string,
  args: readonly string[],
  cwd: string,
  env: Record<string, string | undefined> = {},
): void {
  const child = spawn(command, args, { cwd, detached: true, stdio: 'ignore', env: { ...process.env, ...env } });
  assert.ok(child.pid !== undefined, `${command} started`);
  killGroupOnCleanup(child.pid);
}

describe('the README heartbeat writers', () => {
  it('write heartbeats the watchdog finds healthy (Python, shell loop)', async () => {
    const dir = makeTempDir();
    // The Python block as written, its module from the repository, its folder and key the test's.
    const python = blockWith('python', 'from watchdog_heartbeat import HeartbeatWriter')
      .replace('"/run/my_app"', 'sys.argv[1]')
      .replace('"my_app"', '"py_app"');
    startWriter('python3', ['-c', `import sys, time\ndef do_work(): time.sleep(0.2)\n${python}\n`, dir], dir, {
      PYTHONPATH: PYTHON_WRITER,
    });

    // The shell loop as written, `watchdog` on its PATH, the config beside it (its default).
    const loop = blockWith('sh', 'while do_work');
    assert.ok(loop.includes('watchdog beat my_app --pid $$'), 'the loop beats with watchdog beat');
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'watchdog'), `#!/bin/sh\nexec "${process.execPath}" "${WATCHDOG_BIN}" "$@"\n`, {
      mode: 0o755,
    });
    const shell = `do_work() { sleep 0.2; }\n${loop.replace('sleep 5', 'sleep 0.2')}\n`;

    const processes = Object.fromEntries(
      ['py_app', 'my_app'].map((key) => [
        key,
        {
          display_name: key,
          timeout_seconds: 60,
          heartbeat_path: `${key}.json`,
          enabled: true,
          commands: { start: 'true' },
        },
      ]),
    );
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ processes }), { mode: 0o644 });
    startWriter('/bin/sh', ['-c', shell], dir, {
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      WATCHDOG_CONFIG: undefined,
    });

    await waitUntil(
      () => existsSync(join(dir, 'py_app.json')) && existsSync(join(dir, 'my_app.json')),
      'both heartbeats are written',
    );
    const result = await runWatchdog(['check', '--dry-run', '-c', join(dir, 'config.json')], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    assert.match(result.stdout, /^py_app: healthy \(heartbeat [^,]+ ago, iteration \d+\)/m);
    assert.match(result.stdout, /^my_app: healthy \(heartbeat [^,]+ ago, iteration \d+\)/m);
  });
});
