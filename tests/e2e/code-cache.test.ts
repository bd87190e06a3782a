// The built binary (dist/cli/bin.js) runs the bundle beside it from V8's code cache
// (scripts/bin-loader.cjs). These tests run copies of the built files, so they can take the
// cache away, spoil it or block it without touching the build the other tests run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { writeConfig } from '../helpers/config-files.js';
import { heartbeatText, writeFileAt } from '../helpers/heartbeats.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUILT = join(ROOT, 'dist', 'cli');
/** The build's scripts: the bundle, and the config schema's validator that it runs when it needs it. */
const SCRIPTS = ['watchdog', 'config-schema-validator'] as const;
type ScriptName = (typeof SCRIPTS)[number];
const CACHE_NAME = /^(watchdog|config-schema-validator)-[0-9a-f]{16}\.code-cache$/;

/** The cache file the build made for a script: exactly one, named after that script's text. */
function builtCacheName(script: ScriptName = 'watchdog'): string {
  const caches = readdirSync(BUILT).filter((name) => name.startsWith(`${script}-`) && name.endsWith('.code-cache'));
  assert.equal(caches.length, 1, `one code cache of ${script}.js in dist/cli: ${caches.join(', ')}`);
  const [name = ''] = caches;
  assert.match(name, CACHE_NAME);
  return name;
}

/** The folder where the binary remembers the config texts that passed its validator, named after the validator. */
function memoFolderName(): string {
  return `config-schema-passed-${builtCacheName('config-schema-validator').slice('config-schema-validator-'.length, -'.code-cache'.length)}`;
}

/** The built files a copy of the binary has: the loader, the scripts and their package.json. */
const BUILT_FILES = ['bin.js', 'package.json', ...SCRIPTS.map((script) => `${script}.js`)];

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
function copyBinary(dir: string, { withCache, layout = 'beside' }: { withCache: boolean; layout?: PackageLayout }): string {
  const packageDir = layout === 'beside' ? dir : join(dir, 'node_modules', 'watchdog');
  const cli = join(packageDir, 'dist', 'cli');
  mkdirSync(cli, { recursive: true });
  for (const name of BUILT_FILES) copyFileSync(join(BUILT, name), join(cli, name));
  if (withCache) for (const script of SCRIPTS) copyFileSync(join(BUILT, builtCacheName(script)), join(cli, builtCacheName(script)));
  copyFileSync(join(ROOT, 'package.json'), join(packageDir, 'package.json'));
  if (layout === 'beside') {
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  } else {
    for (const name of readdirSync(join(ROOT, 'node_modules'))) symlinkSync(join(ROOT, 'node_modules', name), join(dir, 'node_modules', name));
  }
  return cli;
}

/** A folder with a config of one healthy app (this test process); returns the config's path. */
function healthySetup(dir: string): string {
  writeFileAt(join(dir, 'run', 'app.json'), heartbeatText({ process_key: 'app' }));
  return writeConfig(dir, { app: { heartbeat_path: 'run/app.json' } });
}

function run(cli: string, args: readonly string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(cli, 'bin.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, WATCHDOG_CONFIG: undefined } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function healthyChecks(dbPath: string): number {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare<[], { count: number }>("SELECT count(*) AS count FROM check_history WHERE health = 'healthy'").get()?.count ?? 0;
  } finally {
    db.close();
  }
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
    assert.equal(healthyChecks(join(dir, 'watchdog.db')), 1, 'the tick recorded its check');
  });

  it('runs without a cache, and the first check writes one, readable by all, that the next check keeps', () => {
    const dir = makeTempDir();
    const cli = copyBinary(dir, { withCache: false });
    healthySetup(dir);

    assert.deepEqual(run(cli, ['check'], dir), { code: 0, stdout: '', stderr: '' });
    const written = readdirSync(cli).filter((name) => CACHE_NAME.test(name));
    assert.deepEqual(written.sort(), SCRIPTS.map((script) => builtCacheName(script)).sort(), 'each cache is named after the same script as the build names it');
    const cache = join(cli, builtCacheName());
    for (const script of SCRIPTS) assert.equal(statSync(join(cli, builtCacheName(script))).mode & 0o777, 0o644);
    const first = statSync(cache);

    assert.deepEqual(run(cli, ['check'], dir), { code: 0, stdout: '', stderr: '' });
    assert.equal(statSync(cache).ino, first.ino, 'the second check used the cache and left it');
    assert.equal(healthyChecks(join(dir, 'watchdog.db')), 2);
    assert.deepEqual(
      readdirSync(cli).sort(),
      [...BUILT_FILES, ...SCRIPTS.map((script) => builtCacheName(script)), memoFolderName()].sort(),
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
    assert.equal(healthyChecks(join(dir, 'watchdog.db')), 2);
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
    assert.ok(existsSync(join(cli, builtCacheName())), 'the cache of this bundle was made: the other one was not taken for it');
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
      [...BUILT_FILES, builtCacheName(), builtCacheName('config-schema-validator'), memoFolderName()].sort(),
      'no temporary file is left',
    );
    assert.equal(healthyChecks(join(dir, 'watchdog.db')), 1);
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

    assert.deepEqual(readdirSync(cli).filter((name) => name.endsWith('.code-cache')), [], 'no cache was written');
  });
});

/** Makes the copy's validator a script that throws if it is run, to show whether a command loads it. */
function spoilValidator(cli: string): void {
  writeFileSync(join(cli, 'config-schema-validator.js'), "(function () { throw new Error('the schema validator was loaded'); })");
}

describe('the binary checks a config file against the schema once for each text', () => {
  it('remembers a text that loads, and does not load the validator for it again; a changed text is checked', () => {
    const dir = makeTempDir();
    const cli = copyBinary(dir, { withCache: true });
    const config = healthySetup(dir);

    assert.deepEqual(run(cli, ['check'], dir), { code: 0, stdout: '', stderr: '' });
    const memo = join(cli, memoFolderName());
    const copies = readdirSync(memo);
    assert.equal(copies.length, 1, `one text remembered: ${copies.join(', ')}`);
    assert.equal(readFileSync(join(memo, copies[0] ?? ''), 'utf8'), readFileSync(config, 'utf8'), 'what is remembered is the config’s text');

    spoilValidator(cli);
    assert.deepEqual(run(cli, ['check'], dir), { code: 0, stdout: '', stderr: '' }, 'the same text: the validator is not loaded');
    assert.equal(healthyChecks(join(dir, 'watchdog.db')), 2, 'and the tick checked its app');

    writeFileSync(config, `${readFileSync(config, 'utf8')}\n`);
    const changed = run(cli, ['check'], dir);
    assert.match(changed.stderr, /the schema validator was loaded/, `a text that differs by one byte is checked: ${changed.stderr}`);
    assert.notEqual(changed.code, 0);
  });

  it('reports an invalid config at every check, and never remembers it', () => {
    const dir = makeTempDir();
    const cli = copyBinary(dir, { withCache: true });
    writeConfig(dir, { app: { heartbeat_path: 'run/app.json' } }, { kill_timeout: 'ten' });

    for (let tick = 1; tick <= 2; tick += 1) {
      const result = run(cli, ['check'], dir);
      assert.equal(result.code, 78, `check ${tick}: ${result.stderr}`);
      assert.match(result.stderr, /kill_timeout: must be number/, `check ${tick} names the problem`);
    }
    assert.ok(!existsSync(join(cli, memoFolderName())), 'nothing was remembered');
  });

  it('does not take the word of another validator: what is remembered is found by the hash of the validator that passed it', () => {
    const dir = makeTempDir();
    const cli = copyBinary(dir, { withCache: true });
    const config = healthySetup(dir);
    assert.deepEqual(run(cli, ['check'], dir), { code: 0, stdout: '', stderr: '' });
    // What this build remembered for the config, moved to where another validator's memory would be
    // and made to vouch for an invalid text.
    const other = join(cli, 'config-schema-passed-0000000000000000');
    renameSync(join(cli, memoFolderName()), other);
    const invalid = readFileSync(config, 'utf8').replace('"consecutive_failures_threshold": 2', '"consecutive_failures_threshold": 0');
    assert.notEqual(invalid, readFileSync(config, 'utf8'));
    writeFileSync(config, invalid);
    for (const name of readdirSync(other)) writeFileSync(join(other, name), invalid);

    const result = run(cli, ['check'], dir);
    assert.equal(result.code, 78, result.stderr);
    assert.match(result.stderr, /consecutive_failures_threshold: must be >= 1/);
  });
});

describe("the binary finds better-sqlite3's addon", () => {
  it('in the node_modules the package sits in, when npm hoisted it there', () => {
    const dir = makeTempDir();
    const cli = copyBinary(dir, { withCache: true, layout: 'hoisted' });
    assert.ok(!existsSync(join(cli, '..', '..', 'node_modules')), 'the package has no node_modules of its own');
    healthySetup(dir);

    assert.deepEqual(run(cli, ['check'], dir), { code: 0, stdout: '', stderr: '' });
    assert.equal(healthyChecks(join(dir, 'watchdog.db')), 1, 'the tick recorded its check');
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
    assert.match(result.stderr, /cannot load SQLite \(better-sqlite3's native addon\): .*better_sqlite3\.node/, `stderr names the addon: ${result.stderr}`);
    assert.match(result.stderr, /hint: .*npm rebuild better-sqlite3/, `stderr says how to mend it: ${result.stderr}`);
  });
});
