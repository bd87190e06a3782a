// The CLI's output reaches a pipe or a file whole before the watchdog exits, whatever its
// size and however slowly it is read; a reader that leaves early (`| head -1`) costs no
// stack trace. Runs the built binary in pipelines made by bash, as a person types them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { writeManyProcessesConfig } from '../helpers/many-processes.js';
import { WATCHDOG_BIN } from '../helpers/run-watchdog.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const SLOW_READER = fileURLToPath(new URL('../fixtures/slow-reader.mjs', import.meta.url));

interface Pipeline {
  /** The watchdog's exit code, from bash's PIPESTATUS. */
  code: number;
  /** What the watchdog wrote to stderr. */
  stderr: string;
  /** What the last command of the pipeline printed. */
  stdout: string;
}

/** Runs `watchdog ARGS -c CONFIG 2> ERRFILE | TAIL` in bash; TAIL is a shell fragment. */
function pipeline(dir: string, args: string[], tail: string): Pipeline {
  const errFile = join(dir, `stderr-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  const script = `"$1" "$2" "\${@:4}" 2> "$3" | ${tail}; exit "\${PIPESTATUS[0]}"`;
  const run = spawnSync('bash', ['-c', script, 'bash', process.execPath, WATCHDOG_BIN, errFile, ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, WATCHDOG_CONFIG: undefined, SLOW_READER },
  });
  assert.equal(run.error, undefined);
  return { code: run.status ?? -1, stderr: readFileSync(errFile, 'utf8'), stdout: run.stdout };
}

describe('complete output', () => {
  it('status --json of 3000 processes reaches a slow reader whole: the same bytes as a file gets, valid JSON, exit 0', () => {
    const dir = makeTempDir('watchdog-output-');
    const config = writeManyProcessesConfig(dir, 3000);
    const toFile = pipeline(dir, ['status', '--json', '-c', config], `cat > ${join(dir, 'to-file.json')}`);
    assert.equal(toFile.code, 0, toFile.stderr);
    const expectedBytes = statSync(join(dir, 'to-file.json')).size;
    assert.ok(expectedBytes > 3_000_000, `precondition: several MB (${expectedBytes} bytes)`);

    const slow = pipeline(dir, ['status', '--json', '-c', config], `node "$SLOW_READER" ${join(dir, 'slow.json')} 20`);
    assert.equal(slow.code, 0, slow.stderr);
    assert.equal(slow.stderr, '');
    assert.equal(Number(slow.stdout.trim()), expectedBytes, 'the slow reader got every byte');
    const parsed = JSON.parse(readFileSync(join(dir, 'slow.json'), 'utf8')) as { processes: unknown[] };
    assert.equal(parsed.processes.length, 3000);
  });

  it('status | head -1: the first line, no stack trace, nothing on stderr, exit 0', () => {
    const dir = makeTempDir('watchdog-output-');
    const config = writeManyProcessesConfig(dir, 2000);
    for (const args of [['status'], ['status', '--json'], ['history', '--json', '-n', '5']]) {
      const head = pipeline(dir, [...args, '-c', config], 'head -1');
      assert.equal(head.stderr, '', `${args.join(' ')}: no error, no stack trace`);
      assert.equal(head.code, 0, args.join(' '));
      assert.equal(head.stdout.split('\n').length, 2, `${args.join(' ')}: one line came through`);
    }
  });

  it('a reader that never reads a byte (| true) still costs no stack trace, exit 0', () => {
    const dir = makeTempDir('watchdog-output-');
    const config = writeManyProcessesConfig(dir, 2000);
    const gone = pipeline(dir, ['status', '--json', '-c', config], 'true');
    assert.equal(gone.stderr, '');
    assert.equal(gone.code, 0);
  });

  it('standard output on a full disk (/dev/full) is reported on stderr with exit 1, not a stack trace', () => {
    const dir = makeTempDir('watchdog-output-');
    const config = writeManyProcessesConfig(dir, 10);
    const run = spawnSync(
      'bash',
      ['-c', '"$1" "$2" status --json -c "$3" > /dev/full', 'bash', process.execPath, WATCHDOG_BIN, config],
      {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, WATCHDOG_CONFIG: undefined },
      },
    );
    assert.equal(run.status, 1);
    assert.equal(
      run.stderr,
      'watchdog: standard output could not be written, some of it is lost: ENOSPC: no space left on device, write\n',
    );
  });

  it('--help through a slow reader arrives whole', () => {
    const dir = makeTempDir('watchdog-output-');
    const help = pipeline(dir, ['--help'], `node "$SLOW_READER" ${join(dir, 'help.txt')} 5`);
    assert.equal(help.code, 0);
    const text = readFileSync(join(dir, 'help.txt'), 'utf8');
    assert.match(text, /^watchdog <command> \[options\]/);
    assert.match(text, /Exit codes: 0 done;/);
  });
});
