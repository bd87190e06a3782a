import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createFileLogger } from '../../src/logging/file-logger.js';
import { NEEDS_ROOT, SECRET, hostileWorld } from '../helpers/hostile-files.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const failOnWriteError = (error: unknown): never => assert.fail(`log write failed: ${String(error)}`);

describe('createFileLogger', () => {
  it('writes lines at its level and above, with a timestamp, and flushes them on close', async () => {
    const logDir = join(makeTempDir(), 'logs');
    const log = createFileLogger({
      logDir,
      level: 'info',
      maxBytes: 1024 * 1024,
      maxFiles: 2,
      onWriteError: failOnWriteError,
    });
    log.logger.debug('not written');
    log.logger.info('first');
    log.logger.warn('second');
    log.logger.error('third');
    await log.close();
    const lines = readFileSync(log.path, 'utf8').trim().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0] ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info {2}first$/);
    assert.match(lines[1] ?? '', /Z warn {2}second$/);
    assert.match(lines[2] ?? '', /Z error third$/);
  });

  it('creates no log file when nothing reaches its level (a healthy tick)', async () => {
    const logDir = join(makeTempDir(), 'logs');
    const log = createFileLogger({
      logDir,
      level: 'warn',
      maxBytes: 1024 * 1024,
      maxFiles: 2,
      onWriteError: failOnWriteError,
    });
    log.logger.info('healthy');
    log.logger.debug('healthy');
    await log.close();
    assert.ok(existsSync(logDir), 'the folder is made at once, so an unusable one is found before the tick');
    assert.deepEqual(readdirSync(logDir), []);
  });

  it('rotates by size into watchdog.log.1 and .2, losing no line of those it keeps (a burst across the size)', async () => {
    const logDir = join(makeTempDir(), 'logs');
    const log = createFileLogger({
      logDir,
      level: 'info',
      maxBytes: 10_240,
      maxFiles: 3,
      onWriteError: failOnWriteError,
    });
    for (let line = 0; line < 2000; line += 1) log.logger.info(`line ${line} ${'x'.repeat(60)}`);
    log.logger.info('the last line');
    await log.close();
    assert.deepEqual(readdirSync(logDir).sort(), ['watchdog.log', 'watchdog.log.1', 'watchdog.log.2']);
    for (const file of readdirSync(logDir)) {
      const text = readFileSync(join(logDir, file), 'utf8');
      assert.ok(Buffer.byteLength(text) <= 10_240, `${file} stays within the size`);
      assert.ok(text.length > 9_000, `${file} is not emptied by the rotation`);
    }
    const current = readFileSync(join(logDir, 'watchdog.log'), 'utf8');
    assert.match(current, /the last line\n$/);
    // Nothing lost between the files kept: the lines run on without a gap.
    const numbers = ['watchdog.log.2', 'watchdog.log.1', 'watchdog.log']
      .flatMap((file) => readFileSync(join(logDir, file), 'utf8').trim().split('\n'))
      .map((line) => /line (\d+) /.exec(line)?.[1])
      .filter((number): number is string => number !== undefined)
      .map(Number);
    numbers.forEach((number, index) => index === 0 || assert.equal(number, (numbers[index - 1] ?? 0) + 1));
    assert.equal(numbers.at(-1), 1999);
  });

  it('writes a message holding newlines and escape sequences as one escaped line', async () => {
    const logDir = join(makeTempDir(), 'logs');
    const log = createFileLogger({
      logDir,
      level: 'info',
      maxBytes: 1024 * 1024,
      maxFiles: 2,
      onWriteError: failOnWriteError,
    });
    log.logger.error(
      'app: start output: \u001b]0;pwned\u0007\u001b[2J\n2026-01-01T00:00:00.000Z info  all is well\r\t\u009b\u202e',
    );
    log.logger.info('after');
    await log.close();
    const text = readFileSync(log.path, 'utf8');
    const lines = text.trimEnd().split('\n');
    assert.equal(lines.length, 2, text);
    assert.match(
      lines[0] ?? '',
      /Z error app: start output: \\x1b\]0;pwned\\x07\\x1b\[2J\\x0a2026-01-01T00:00:00\.000Z info {2}all is well\\x0d\\x09\\u009b\\u202e$/,
    );
    assert.match(lines[1] ?? '', /Z info {2}after$/);
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    for (const line of lines) assert.doesNotMatch(line, /[\x00-\x1f\x7f-\x9f\u202e]/);
  });

  it('hands a line it cannot write to onWriteError and goes on', async () => {
    const logDir = join(makeTempDir(), 'logs');
    mkdirSync(join(logDir, 'watchdog.log'), { recursive: true });
    const failed: string[] = [];
    const log = createFileLogger({
      logDir,
      level: 'info',
      maxBytes: 10_240,
      maxFiles: 2,
      onWriteError: (error, line) => failed.push(`${(error as NodeJS.ErrnoException).code} ${line}`),
    });
    log.logger.warn('one');
    log.logger.error('two');
    await log.close();
    assert.equal(failed.length, 2);
    assert.match(failed[0] ?? '', /^EISDIR .*Z warn {2}one$/);
    assert.match(failed[1] ?? '', /^EISDIR .*Z error two$/);
  });

  it('hands onWriteError the line escaped, as the log would have had it (it goes to stderr)', async () => {
    const logDir = join(makeTempDir(), 'logs');
    mkdirSync(join(logDir, 'watchdog.log'), { recursive: true });
    const failed: string[] = [];
    const log = createFileLogger({
      logDir,
      level: 'info',
      maxBytes: 10_240,
      maxFiles: 2,
      onWriteError: (_error, line) => failed.push(line),
    });
    log.logger.error('two\n\u001b[2J');
    await log.close();
    assert.equal(failed.length, 1);
    assert.match(failed[0] ?? '', /Z error two\\x0a\\x1b\[2J$/);
  });

  it('throws when the log folder cannot be created', () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'file'), '');
    assert.throws(
      () =>
        createFileLogger({
          logDir: join(dir, 'file', 'logs'),
          level: 'info',
          maxBytes: 10_240,
          maxFiles: 2,
          onWriteError: failOnWriteError,
        }),
      {
        code: 'ENOTDIR',
      },
    );
  });

  it('refuses a log folder others can write, and one reached through a link another user planted', NEEDS_ROOT, () => {
    const { dir, secret, theirs } = hostileWorld();
    const open = join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o1777);
    const options = { level: 'info' as const, maxBytes: 10_240, maxFiles: 2, onWriteError: failOnWriteError };
    assert.throws(() => createFileLogger({ ...options, logDir: open }), {
      code: 'EUNSAFEPATH',
      message: /a folder others can write \(mode 1777\)/,
    });
    symlinkSync(dir, join(theirs, 'logs'));
    assert.throws(() => createFileLogger({ ...options, logDir: join(theirs, 'logs') }), {
      code: 'EUNSAFEPATH',
      message: /is a symbolic link in .*a folder of user 65534/,
    });
    assert.deepEqual(readdirSync(open), []);
    assert.equal(readFileSync(secret, 'utf8'), SECRET);
  });

  it('never appends through a link at watchdog.log', async () => {
    const { dir, secret } = hostileWorld();
    const logDir = join(dir, 'logs');
    mkdirSync(logDir, { mode: 0o750 });
    symlinkSync(secret, join(logDir, 'watchdog.log'));
    const failed: string[] = [];
    const log = createFileLogger({
      logDir,
      level: 'info',
      maxBytes: 10_240,
      maxFiles: 2,
      onWriteError: (error) => failed.push(String((error as { code?: string }).code)),
    });
    log.logger.warn('one');
    await log.close();
    assert.deepEqual(failed, ['ELOOP']);
    assert.equal(readFileSync(secret, 'utf8'), SECRET);
  });
});
