import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openLog } from '../../src/cli/open-log.js';
import type { CliIo } from '../../src/cli/io.js';
import type { WatchdogConfig } from '../../src/config/types.js';
import { validateConfig } from '../../src/config/validate-config.js';
import { makeTempDir } from '../helpers/temp-dir.js';

function configWithLogDir(dir: string, logDir: string): WatchdogConfig {
  const { config, errors } = validateConfig({ log_dir: logDir, processes: {} }, join(dir, 'config.json'));
  assert.deepEqual(errors, []);
  assert.ok(config !== undefined);
  return config;
}

function recordingIo(): CliIo & { errLines: string[] } {
  const errLines: string[] = [];
  return {
    errLines,
    out: () => assert.fail('nothing goes to stdout'),
    err: (line) => errLines.push(line),
    env: {},
    cwd: '/',
  };
}

describe('openLog', () => {
  it('writes log lines to stderr, escaped to one line each, when the log folder cannot be used', async () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'not-a-folder'), '');
    const io = recordingIo();
    const log = openLog(configWithLogDir(dir, join(dir, 'not-a-folder', 'logs')), io);
    log.logger.error('app: start output: \u001b[8mhidden\n2026-01-01T00:00:00.000Z info  all is well');
    log.logger.warn('app: heartbeat names process_key "\u009b2J\u202e"');
    await log.close();
    assert.equal(io.errLines.length, 3);
    assert.match(io.errLines[0] ?? '', /^watchdog: cannot use the log folder .*; log lines follow on stderr$/);
    assert.equal(
      io.errLines[1],
      'error app: start output: \\x1b[8mhidden\\x0a2026-01-01T00:00:00.000Z info  all is well',
    );
    assert.equal(io.errLines[2], 'warn app: heartbeat names process_key "\\u009b2J\\u202e"');
  });

  it('hands stderr a line it could not write to the log escaped, as the log would have had it', async () => {
    const dir = makeTempDir();
    mkdirSync(join(dir, 'logs', 'watchdog.log'), { recursive: true });
    const io = recordingIo();
    const log = openLog(configWithLogDir(dir, join(dir, 'logs')), io);
    log.logger.error('app: \u001b]0;pwned\u0007\nforged');
    await log.close();
    assert.equal(io.errLines.length, 2);
    assert.match(io.errLines[0] ?? '', /^watchdog: cannot write to the log in .*; log lines follow on stderr$/);
    assert.match(io.errLines[1] ?? '', /Z error app: \\x1b\]0;pwned\\x07\\x0aforged$/);
  });
});
