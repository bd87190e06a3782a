// The README's heartbeat writers for Python and a shell loop, run as written: each writes a
// heartbeat that the built watchdog finds healthy. A dry run reads them and signals, starts
// and records nothing; the two writers are this test's own children, killed when it ends.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir } from '../helpers/temp-dir.js';
import { killGroupOnCleanup, waitUntil } from '../helpers/owned-processes.js';
import { runWatchdog } from '../helpers/run-watchdog.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The fenced block of `language` that contains `marker`. */
function blockWith(language: string, marker: string): string {
  const block = [...README.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)\\n```', 'g'))]
    .map((match) => match[1] ?? '')
    .find((text) => text.includes(marker));
  assert.ok(block !== undefined, `README has no ${language} block with "${marker}"`);
  return block;
}

/** Starts `command ARGS` in a process group of its own, killed when the test file ends. */
function startWriter(command: string, args: readonly string[], cwd: string): void {
  const child = spawn(command, args, { cwd, detached: true, stdio: 'ignore' });
  assert.ok(child.pid !== undefined, `${command} started`);
  killGroupOnCleanup(child.pid);
}

describe('the README heartbeat writers', () => {
  it('write heartbeats the watchdog finds healthy (Python, shell loop)', async () => {
    const dir = makeTempDir();
    const python = `${blockWith('python', 'def beat(')}\n\nimport sys, time\nbeat(sys.argv[1], "py_app", 1)\ntime.sleep(120)\n`;
    startWriter('python3', ['-c', python, join(dir, 'py_app.json')], dir);

    const loop = blockWith('sh', 'while do_work');
    assert.ok(loop.includes('dir=/run/my_app'), 'the loop names its folder');
    // do_work stands for the app's work: here, a pause; the loop's folder is the test's.
    const shell = `do_work() { sleep 0.2; }\n${loop.replace('dir=/run/my_app', 'dir="$1"')}\n`;
    startWriter('/bin/sh', ['-c', shell, 'sh', dir], dir);

    await waitUntil(
      () => existsSync(join(dir, 'py_app.json')) && existsSync(join(dir, 'my_app.json')),
      'both heartbeats are written',
    );
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

    const result = await runWatchdog(['check', '--dry-run', '-c', join(dir, 'config.json')], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    assert.match(result.stdout, /^py_app: healthy \(heartbeat [^,]+ ago, iteration 1\)/m);
    assert.match(result.stdout, /^my_app: healthy \(heartbeat [^,]+ ago, iteration \d+\)/m);
  });
});
