// The two packages as users get them: `npm pack` of edge-watchdog (the `watchdog` command)
// and of edge-watchdog-heartbeat (heartbeat-writer/), installed by npm into a temporary
// prefix, then run from there: `check`, `status`, `--help`, an email through nodemailer, and
// two tiny apps (ESM and CommonJS) that import the installed library and beat.
//
// Packed with --ignore-scripts from the build `npm test` made (their `prepack`/`prepare`
// would rebuild dist/ under the other test files that run it). The install is npm's own:
// dependencies from the registry (the cache `npm ci` filled first), better-sqlite3's install
// script included. That script takes its prebuilt-binary path, as on a device that can
// reach GitHub, but finds the binary in a local folder (prebuild-install's
// `local_prebuilds`): this project's own build of the same version, so no download and no
// compile (which takes some two minutes). The binary host points at a closed loopback port,
// so a missed local binary cannot reach out either.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { startSmtpRecorder } from '../helpers/smtp-recorder.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LIBRARY_SOURCE = join(ROOT, 'heartbeat-writer');
const CACHE_NAME = /^dist\/cli\/watchdog-[0-9a-f]{16}\.code-cache$/;

/** What the binary loads from node_modules at run time (scripts/bundle-binary.mjs leaves them out of the bundle). */
const RUNTIME_DEPENDENCIES = ['better-sqlite3', 'nodemailer', 'winston', 'winston-transport', 'yargs'];

// Removed when the file's tests end (not with tests/helpers/cleanup.ts, whose steps all run
// after the first test that registers one: the installs serve every test here).
const work = mkdtempSync(join(tmpdir(), 'watchdog-install-'));
after(() => rmSync(work, { recursive: true, force: true, maxRetries: 3 }));
const prefix = join(work, 'prefix');
const appDir = join(work, 'app');
const installed = join(prefix, 'lib', 'node_modules', 'edge-watchdog');
const watchdogBin = join(prefix, 'bin', 'watchdog');

interface Packed {
  tarball: string;
  files: string[];
  manifest: { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
}

/** npm as the user runs it, with the node running this test first on the PATH. */
function npm(args: readonly string[], cwd: string, env: Record<string, string> = {}): SpawnSyncReturns<string> {
  const result = spawnSync('npm', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`, ...env },
    timeout: 600_000,
  });
  assert.equal(result.status, 0, `npm ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result;
}

function pack(dir: string): Packed {
  const result = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], dir);
  const [report] = JSON.parse(result.stdout) as { filename: string; files: { path: string }[] }[];
  assert.ok(report !== undefined, `npm pack reported no tarball: ${result.stdout}`);
  const tarball = join(work, report.filename);
  return {
    tarball,
    files: report.files.map((file) => file.path).sort(),
    manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Packed['manifest'],
  };
}

/**
 * better-sqlite3's addon as the prebuilt tarball prebuild-install looks for
 * (`{name}-v{version}-{runtime}-v{abi}-{platform}{libc}-{arch}.tar.gz`), made from the
 * project's own install of the same version. Returns the folder that holds it.
 */
function localPrebuild(): string {
  const dir = join(work, 'prebuilds');
  mkdirSync(dir);
  const source = join(ROOT, 'node_modules', 'better-sqlite3');
  const { version } = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')) as { version: string };
  const header = process.report.getReport() as { header?: { glibcVersionRuntime?: string } };
  const libc = process.platform === 'linux' && header.header?.glibcVersionRuntime === undefined ? 'musl' : '';
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}${libc}-${process.arch}.tar.gz`;
  const tar = spawnSync('tar', ['-czf', join(dir, name), '-C', source, 'build/Release/better_sqlite3.node'], {
    encoding: 'utf8',
  });
  assert.equal(tar.status, 0, tar.stderr);
  return dir;
}

function runInstalled(
  args: readonly string[],
  cwd: string,
  nodeOptions: readonly string[] = [],
): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [...nodeOptions, watchdogBin, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, WATCHDOG_CONFIG: undefined, NO_COLOR: '1' },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function checksIn(dbPath: string): { process_key: string; health: string }[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db
      .prepare<[], { process_key: string; health: string }>('SELECT process_key, health FROM check_history ORDER BY id')
      .all();
  } finally {
    db.close();
  }
}

function statesIn(status: { stdout: string }): Record<string, string> {
  const { processes } = JSON.parse(status.stdout) as { processes: { key: string; state: string }[] };
  return Object.fromEntries(processes.map((entry) => [entry.key, entry.state]));
}

let cli: Packed;
let library: Packed;

describe('the packages, packed and installed with npm into a temporary prefix', () => {
  before(() => {
    assert.ok(existsSync(join(ROOT, 'dist', 'cli', 'bin.js')), 'the build comes first (`npm run build`)');
    const started = performance.now();
    cli = pack(ROOT);
    library = pack(LIBRARY_SOURCE);
    const offline = ['--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts=false'];
    const install = npm(
      [
        'install',
        '--global',
        '--prefix',
        prefix,
        ...offline,
        // npm never runs a tarball's `prepare`, but lists it unless the tarball is named.
        `--allow-scripts=better-sqlite3,file:${cli.tarball}`,
        cli.tarball,
      ],
      work,
      {
        npm_config_better_sqlite3_local_prebuilds: localPrebuild(),
        npm_config_better_sqlite3_binary_host: 'http://127.0.0.1:9',
      },
    );
    // What docs/installing.md has users allow is all that npm 11 asks for.
    assert.doesNotMatch(install.stderr, /not yet covered by allowScripts/);
    mkdirSync(appDir);
    npm(['install', '--prefix', appDir, ...offline, library.tarball], appDir);
    process.stderr.write(`packed and installed in ${Math.round(performance.now() - started)} ms\n`);
  });

  it('packs the binary, its bundle and code cache, and nothing else; depends on what the bundle loads', () => {
    const cache = cli.files.filter((path) => CACHE_NAME.test(path));
    assert.equal(cache.length, 1, `one code cache: ${cli.files.join(', ')}`);
    assert.deepEqual(
      cli.files,
      [
        'README.md',
        'dist/cli/bin.js',
        'dist/cli/package.json',
        ...cache,
        'dist/cli/watchdog.js',
        'package.json',
      ].sort(),
    );
    assert.deepEqual(Object.keys(cli.manifest.dependencies ?? {}).sort(), RUNTIME_DEPENDENCIES);
    for (const bundled of ['ajv', 'proper-lockfile', 'string-width', 'esbuild', 'typescript'])
      assert.ok(bundled in (cli.manifest.devDependencies ?? {}), `${bundled} is needed only to build`);
  });

  it('packs the library for import and require, each with its declarations, and nothing else', () => {
    const modules = readdirSync(join(LIBRARY_SOURCE, 'src')).map((name) => name.replace(/\.ts$/, ''));
    const built = ['esm', 'cjs'].flatMap((format) =>
      modules.flatMap((name) => [`dist/${format}/${name}.d.ts`, `dist/${format}/${name}.js`]),
    );
    assert.deepEqual(library.files, ['README.md', 'dist/cjs/package.json', 'package.json', ...built].sort());
  });

  it('puts watchdog on the prefix PATH, without TypeScript or esbuild, and better-sqlite3 from its prebuilt binary', () => {
    assert.equal(
      realpathSync(watchdogBin),
      join(realpathSync(installed), 'dist', 'cli', 'bin.js'),
      readlinkSync(watchdogBin),
    );
    const packages = readdirSync(join(installed, 'node_modules'));
    for (const name of RUNTIME_DEPENDENCIES) assert.ok(packages.includes(name), `${name} is installed`);
    for (const name of ['typescript', 'esbuild', 'tsx', 'ajv', 'proper-lockfile'])
      assert.ok(!packages.includes(name), `${name} is not installed`);
    const addon = join(installed, 'node_modules', 'better-sqlite3', 'build', 'Release');
    assert.ok(existsSync(join(addon, 'better_sqlite3.node')), 'the addon is in place');
    assert.ok(!existsSync(join(addon, 'obj.target')), 'taken from the prebuilt binary, not compiled');
    const help = runInstalled(['--help'], work);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^ {2}watchdog check /m);
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.deepEqual(runInstalled(['--version'], work), { code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('runs check and status on a copy of the example config, from the shipped code cache', () => {
    const dir = join(work, 'example');
    mkdirSync(dir);
    const config = join(dir, 'config.json');
    copyFileSync(join(ROOT, 'config.json'), config);
    const [cacheFile = ''] = cli.files.filter((path) => CACHE_NAME.test(path));
    const cache = join(installed, cacheFile);
    const before = statSync(cache);

    // Cron's way: silent, exit 0; the demo app has no heartbeat yet, one failure of two.
    assert.deepEqual(runInstalled(['check', '--config', config], work), { code: 0, stdout: '', stderr: '' });
    assert.deepEqual(checksIn(join(dir, 'watchdog.db')), [{ process_key: 'demo_app', health: 'no_heartbeat' }]);
    // The log goes through winston, loaded from the install's node_modules.
    assert.match(readFileSync(join(dir, 'logs', 'watchdog.log'), 'utf8'), /demo_app: no_heartbeat .*failure 1\/2/);
    const after = statSync(cache);
    assert.deepEqual([after.ino, after.mtimeMs], [before.ino, before.mtimeMs], 'V8 took the shipped cache');

    const status = runInstalled(['status', '--config', config, '--json'], work);
    assert.equal(status.code, 0, status.stderr);
    assert.deepEqual(statesIn(status), { demo_app: 'no_heartbeat' });
  });

  it('writes a fresh code cache into the install when V8 refuses the shipped one', () => {
    const dir = join(work, 'other-flags');
    mkdirSync(dir);
    const config = join(dir, 'config.json');
    copyFileSync(join(ROOT, 'config.json'), config);
    const [cacheFile = ''] = cli.files.filter((path) => CACHE_NAME.test(path));
    const cache = join(installed, cacheFile);
    const before = statSync(cache);
    // V8 refuses a cache made with other flags, as it does one from another Node version.
    const check = runInstalled(['check', '--config', config], work, ['--max-semi-space-size=1']);
    assert.deepEqual(check, { code: 0, stdout: '', stderr: '' });
    assert.notEqual(statSync(cache).ino, before.ino, 'the cache was replaced');
    assert.deepEqual(
      readdirSync(join(installed, 'dist', 'cli')).filter((name) => name.includes('.code-cache')),
      [cacheFile.slice('dist/cli/'.length)],
      'no temporary file is left',
    );
  });

  it('sends an email through the nodemailer installed beside it', async () => {
    const dir = join(work, 'email');
    mkdirSync(dir);
    const smtp = await startSmtpRecorder();
    const config = join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        processes: {
          app: {
            display_name: 'App',
            timeout_seconds: 30,
            heartbeat_path: 'app.json',
            enabled: true,
            commands: { start: 'true' },
          },
        },
        notify: {
          channels: {
            mail: {
              type: 'email',
              host: '127.0.0.1',
              port: smtp.port,
              tls: 'none',
              from: 'watchdog@device.test',
              to: ['ops@example.test'],
              retries: 0,
              timeout_seconds: 5,
            },
          },
        },
      }),
    );
    // No heartbeat, so no PID: `off` signals nothing, records the state and tells the channel.
    const off = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [watchdogBin, 'off', 'app', '--config', config], {
        cwd: dir,
        env: { ...process.env, WATCHDOG_CONFIG: undefined },
        stdio: ['ignore', 'ignore', 'pipe'],
        timeout: 60_000,
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
    assert.deepEqual(off, { code: 0, stderr: '' });
    assert.equal(smtp.mails.length, 1, 'one email');
    assert.match(smtp.mails[0]?.headers.get('subject') ?? '', /^\[watchdog\] .*app: turned off by /);
  });

  it('lets an ESM and a CommonJS app beat through the installed library, and finds both healthy', async () => {
    const heartbeats = join(work, 'heartbeats');
    mkdirSync(heartbeats);
    // Each app beats once, says where the library came from, and lives until its stdin closes.
    const body = (resolved: string) =>
      [
        `const writer = new HeartbeatWriter({ heartbeatDir: process.argv[2], processKey: process.argv[3] });`,
        'writer.beat();',
        `process.stdout.write(JSON.stringify({ resolved: ${resolved}, path: writer.heartbeatPath }) + '\\n');`,
        "process.stdin.on('end', () => writer.stop()).resume();",
        '',
      ].join('\n');
    writeFileSync(
      join(appDir, 'app.mjs'),
      `import { HeartbeatWriter } from 'edge-watchdog-heartbeat';\n${body("import.meta.resolve('edge-watchdog-heartbeat')")}`,
    );
    writeFileSync(
      join(appDir, 'app.cjs'),
      `const { HeartbeatWriter } = require('edge-watchdog-heartbeat');\n${body("require.resolve('edge-watchdog-heartbeat')")}`,
    );
    const apps = await Promise.all(
      [
        ['app.mjs', 'esm_app'],
        ['app.cjs', 'cjs_app'],
      ].map(
        ([script = '', key = '']) =>
          new Promise<{ child: ReturnType<typeof spawn>; resolved: string; path: string; key: string }>(
            (resolve, reject) => {
              const child = spawn(process.execPath, [join(appDir, script), heartbeats, key], {
                cwd: appDir,
                stdio: ['pipe', 'pipe', 'inherit'],
              });
              child.on('error', reject);
              child.on('exit', (code) => reject(new Error(`${script} exited (${code}) before it beat`)));
              child.stdout.setEncoding('utf8').once('data', (line: string) => {
                const { resolved, path } = JSON.parse(line) as { resolved: string; path: string };
                resolve({ child, resolved, path, key });
              });
            },
          ),
      ),
    );
    try {
      const library = join(realpathSync(appDir), 'node_modules', 'edge-watchdog-heartbeat');
      assert.deepEqual(
        apps.map((app) => [app.key, app.resolved]),
        [
          ['esm_app', pathToFileURL(join(library, 'dist', 'esm', 'index.js')).href],
          ['cjs_app', join(library, 'dist', 'cjs', 'index.js')],
        ],
      );
      const config = join(work, 'apps.json');
      writeFileSync(
        config,
        JSON.stringify({
          processes: Object.fromEntries(
            apps.map((app) => [
              app.key,
              {
                display_name: app.key,
                timeout_seconds: 60,
                heartbeat_path: app.path,
                enabled: true,
                commands: { start: 'true' },
              },
            ]),
          ),
        }),
      );
      assert.deepEqual(runInstalled(['check', '--config', config], work), { code: 0, stdout: '', stderr: '' });
      const status = runInstalled(['status', '--config', config, '--json'], work);
      assert.equal(status.code, 0, status.stderr);
      assert.deepEqual(statesIn(status), { esm_app: 'healthy', cjs_app: 'healthy' });
    } finally {
      await Promise.all(
        apps.map(
          ({ child }) =>
            new Promise((resolve) => {
              child.on('close', resolve);
              child.stdin?.end();
            }),
        ),
      );
    }
  });

  it('type-checks an ESM and a CommonJS consumer against the installed declarations', () => {
    const types = join(appDir, 'types');
    cpSync(join(LIBRARY_SOURCE, 'tests', 'fixtures', 'types'), types, { recursive: true });
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const result = spawnSync(process.execPath, [tsc, '-p', join(types, 'tsconfig.json'), '--explainFiles'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(result.status, 0, `tsc failed:\n${result.stdout}\n${result.stderr}`);
    const library = join(realpathSync(appDir), 'node_modules', 'edge-watchdog-heartbeat', 'dist');
    const used = result.stdout.split('\n').filter((line) => !line.startsWith(' '));
    for (const format of ['esm', 'cjs'])
      assert.ok(
        used.some(
          (line) => existsSync(line.trim()) && realpathSync(line.trim()) === join(library, format, 'index.d.ts'),
        ),
        `${format}/index.d.ts of the installed copy is used:\n${result.stdout}`,
      );
  });
});
