// The built binary (dist/cli/bin.js) runs the bundle beside it from V8's code cache
// (scripts/bin-loader.cjs). These tests run copies of the built files, so they can take the
// cache away, spoil it or block it without touching the build the other tests run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { writeConfig } from '../helpers/config-files.js';
import { heartbeatText, writeFileAt } from '../helpers/heartbeats.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUILT = join(ROOT, 'dist', 'cli');
const CACHE_NAME = /^watchdog-[0-9a-f]{16}\.code-cache$/;

/** The cache file the build made: exactly one, named after the bundle. */
function builtCacheName(): string {
  const caches = readdirSync(BUILT).filter((name) => name.endsWith('.code-cache'));
  assert.equal(caches.length, 1, `one code cache in dist/cli: ${caches.join(', ')}`);
  const [name = ''] = caches;
  assert.match(name, CACHE_NAME);
  return name;
}

/**
 * Where the binary finds the packages it loads at run time (better-sqlite3's addon):
 * - `beside`: in the package's own `node_modules`, as npm installs a package globally;
 * - `hoisted`: in the `node_modules` the package itself sits in, as npm installs a
 *   dependency of another project.
 */
type PackageLayout = 'beside' | 'hoisted';

/**
 * A copy of the built binary laid out as an installed package (its package.json two
 * folders above `dist/cli`), with or without the build's code cache. The packages are the
 * project's own, reached through symbolic links. Returns the copy's `dist/cli`.
 */
function copyBinary(
  dir: string,
  { withCache, layout = 'beside' }: { withCache: boolean; layout?: PackageLayout },
): string {
  const packageDir = layout === 'beside' ? dir : join(dir, 'node_modules', 'watchdog');
  const cli = join(packageDir, 'dist', 'cli');
  mkdirSync(cli, { recursive: true });
  for (const name of ['bin.js', 'watchdog.js', 'package.json']) copyFileSync(join(BUILT, name), join(cli, name));
  if (withCache) copyFileSync(join(BUILT, builtCacheName()), join(cli, builtCacheName()));
  copyFileSync(join(ROOT, 'package.json'), join(packageDir, 'package.json'));
  if (layout === 'beside') {
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  } else {
    for (const name of readdirSync(join(ROOT, 'node_modules')))
      symlinkSync(join(ROOT, 'node_modules', name), join(dir, 'node_modules', name));
  }
  return cli;
}

/** A folder with a config of one healthy app (this test process); returns the config's path. */
function healthySetup(dir: string): string {
  writeFileAt(join(dir, 'run', 'app.json'), heartbeatText({ process_key: 'app' }));
  return writeConfig(dir, { app: { heartbeat_path: 'run/app.json' } });
}

function run(
  cli: string,
  args: readonly string[],
  cwd: string,
): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(cli, 'bin.js'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, WATCHDOG_CONFIG: undefined },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The healthy checks `history` shows, those of a run still waiting in memory included
 * (docs/storage-writes.md: unchanged checks are folded into one row).
 */
function healthyChecks(cli: string, dir: string): number {
  const history = run(cli, ['history', '--json'], dir);
  assert.equal(history.code, 0, history.stderr);
  return (JSON.parse(history.stdout) as { checks: { health: string; check_count: number }[] }).checks
    .filter((row) => row.health === 'healthy')
    .reduce((sum, row) => sum + row.check_count, 0);
}

describe('the binary runs its bundle from V8 code cache', () => {
  it('ships one cache made by the build, which a tick uses as it is', () => {
    const dir = makeTempDir();
    const cli = copyBinary(dir, { withCache: true });
    const cache = join(cli, builtCacheName());
    const before = statSync(cache);
    healthySetup(dir);

    assert.deepEqual(run(cli, ['check'], dir), { code: 0, stdout: '', stderr: '' });

    // A cache V8 refused would have been written anew (a new file renamed over it).
    const after = statSync(cache);
    assert.equal(after.ino, before.ino, 'the cache was accepted, not replaced');
    assert.equal(after.mtimeMs, before.mtimeMs, 'the cache was not rewritten');
    assert.equal(healthyChecks(cli, dir), 1, 'the tick recorded its check');
  });

  it('runs without a cache, and the first check writes one, readable by all, that the next check keeps', () => {
    const dir = makeTempDir();
    const cli = copyBinary(dir, { withCache: false });
    healthySetup(dir);

    assert.deepEqual(run(cli, ['check'], dir), { code: 0, stdout: '', stderr: '' });
    const written = readdirSync(cli).filter((name) => CACHE_NAME.test(name));
    assert.deepEqual(written, [builtCacheName()], 'the cache is named after the same bundle as the build names it');
    const cache = join(cli, builtCacheName());
    assert.equal(statSync(cache).mode & 0o777, 0o644);
    const first = statSync(cache);

    assert.deepEqual(run(cli, ['check'], dir), { code: 0, stdout: '', stderr: '' });
    assert.equal(statSync(cache).ino, first.ino, 'the second check used the cache and left it');
    assert.equal(healthyChecks(cli, dir), 2);
    assert.deepEqual(
      readdirSync(cli).sort(),
      ['bin.js', builtCacheName(), 'package.json', 'watchdog.js'].sort(),
      'no temporary file is left',
    );
  });

  it('is not thrown by a spoilt cache: V8 refuses it, the tick runs, and the cache is written anew', () => {
    const dir = makeTempDir();
    const cli = copyBinary(dir, { withCache: false });
    const cache = join(cli, builtCacheName());
    writeFileSync(cache, Buffer.alloc(4096, 0x5a));
    healthySetup(dir);

    assert.deepEqual(run(cli, ['check'], dir), { code: 0, stdout: '', stderr: '' });

    assert.notDeepEqual(readFileSync(cache), Buffer.alloc(4096, 0x5a), 'the spoilt cache was replaced');
    assert.deepEqual(run(cli, ['check'], dir), { code: 0, stdout: '', stderr: '' });
    assert.equal(healthyChecks(cli, dir), 2);
  });

  it('never uses the cache of another bundle: a cache is found by the hash of the bundle it was made from', () => {
    const dir = makeTempDir();
    const cli = copyBinary(dir, { withCache: false });
    // The cache of this bundle, under the name another bundle would look for.
    copyFileSync(join(BUILT, builtCacheName()), join(cli, 'watchdog-0000000000000000.code-cache'));
    const loader = readFileSync(join(cli, 'bin.js'), 'utf8');
    const hash = builtCacheName().slice('watchdog-'.length, -'.code-cache'.length);
    assert.ok(loader.includes(`watchdog-${hash}.code-cache`), 'the loader names the cache of its own bundle');
    healthySetup(dir);

    assert.deepEqual(run(cli, ['check'], dir), { code: 0, stdout: '', stderr: '' });
    assert.ok(
      existsSync(join(cli, builtCacheName())),
      'the cache of this bundle was made: the other one was not taken for it',
    );
  });

  it('still checks when the cache cannot be written, and leaves no temporary file', () => {
    const dir = makeTempDir();
    const cli = copyBinary(dir, { withCache: false });
    // A folder where the cache would go: it can be neither read nor replaced (even by root).
    mkdirSync(join(cli, builtCacheName()));
    healthySetup(dir);

    assert.deepEqual(run(cli, ['check'], dir), { code: 0, stdout: '', stderr: '' });

    assert.ok(statSync(join(cli, builtCacheName())).isDirectory(), 'the folder is left as it was');
    assert.deepEqual(
      readdirSync(cli).sort(),
      ['bin.js', builtCacheName(), 'package.json', 'watchdog.js'].sort(),
      'no temporary file is left',
    );
    assert.equal(healthyChecks(cli, dir), 1);
  });

  it('writes a cache only from `check`: other commands run from source and leave none', () => {
    const dir = makeTempDir();
    const cli = copyBinary(dir, { withCache: false });
    healthySetup(dir);
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

    assert.deepEqual(run(cli, ['--version'], dir), { code: 0, stdout: `${version}\n`, stderr: '' });
    const validate = run(cli, ['validate'], dir);
    assert.equal(validate.code, 0, validate.stderr);
    const status = run(cli, ['status'], dir);
    assert.equal(status.code, 0, status.stderr);

    assert.deepEqual(readdirSync(cli).sort(), ['bin.js', 'package.json', 'watchdog.js'], 'no cache was written');
  });
});

describe("the binary finds better-sqlite3's addon", () => {
  it('in the node_modules the package sits in, when npm hoisted it there', () => {
    const dir = makeTempDir();
    const cli = copyBinary(dir, { withCache: true, layout: 'hoisted' });
    assert.ok(!existsSync(join(cli, '..', '..', 'node_modules')), 'the package has no node_modules of its own');
    healthySetup(dir);

    assert.deepEqual(run(cli, ['check'], dir), { code: 0, stdout: '', stderr: '' });
    assert.equal(healthyChecks(cli, dir), 1, 'the tick recorded its check');
  });

  it('and says which file it could not load, when the addon is not one', () => {
    const dir = makeTempDir();
    const cli = copyBinary(dir, { withCache: true, layout: 'hoisted' });
    // The package's own copy of better-sqlite3, with an addon that is not a shared library.
    const own = join(cli, '..', '..', 'node_modules', 'better-sqlite3');
    mkdirSync(join(own, 'build', 'Release'), { recursive: true });
    copyFileSync(join(ROOT, 'node_modules', 'better-sqlite3', 'package.json'), join(own, 'package.json'));
    writeFileSync(join(own, 'build', 'Release', 'better_sqlite3.node'), 'not a shared library\n');
    healthySetup(dir);

    const result = run(cli, ['check'], dir);
    assert.equal(result.code, 1, 'the check failed, as a database that cannot be used fails it');
    assert.match(
      result.stderr,
      /cannot load SQLite \(better-sqlite3's native addon\): .*better_sqlite3\.node/,
      `stderr names the addon: ${result.stderr}`,
    );
    assert.match(result.stderr, /hint: .*npm rebuild better-sqlite3/, `stderr says how to mend it: ${result.stderr}`);
  });
});
