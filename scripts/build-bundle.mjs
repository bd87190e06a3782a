#!/usr/bin/env node
// Builds the `watchdog` binary that cron runs, dist/cli/bin.js: one CommonJS file of our
// code and the packages a tick needs, instead of some 170 ES modules resolved and loaded one
// by one at every start. Why each choice, as measured by `npm run bench` (BENCHMARKS.md):
//
// - CommonJS, not an ES module: Node starts an ES module entry through its ESM loader, which
//   costs about a quarter of bare `node -e 0` before any of our code runs. dist/cli/ gets a
//   package.json saying so, so the path users have in their crontab stays the same.
// - The parts for other commands are initialised only when those commands run (esbuild
//   keeps each dynamically imported module behind a lazy initialiser).
// - The config schema is compiled here, once, into plain JavaScript (ajv's standalone code)
//   that replaces src/config/schema-validator.ts. The build fails when the bundle lacks it
//   or still loads ajv's compiler, as it would after a rename of that file.
// - better-sqlite3's JavaScript is bundled; its native addon is loaded from node_modules by
//   a direct require instead of the `bindings` package's search of a dozen paths.
// - proper-lockfile uses Node's fs rather than graceful-fs, and signal-exit (through
//   proper-lockfile) loads Node's `assert` only if an assertion fails (STAND_INS).
//
// The packages named in `external` stay in node_modules and load only on the paths that
// need them. The esbuild step is scripts/bundle-binary.mjs. Runs after tsc, whose dist/ it
// reads the schema from.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleBinary, compileValidatorSource } from './bundle-binary.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT_DIR = join(ROOT, 'dist/cli');
const { configSchema } = await import(join(ROOT, 'dist/config/schema.js'));
const { AJV_OPTIONS } = await import(join(ROOT, 'dist/config/ajv-options.js'));

rmSync(OUT_DIR, { recursive: true, force: true });
await bundleBinary({
  entry: join(ROOT, 'src/cli/bin.ts'),
  outdir: OUT_DIR,
  validatorSource: compileValidatorSource(configSchema, AJV_OPTIONS),
});
writeFileSync(join(OUT_DIR, 'package.json'), '{ "type": "commonjs" }\n');

// The binary: a loader that runs the bundle from V8's code cache (scripts/bin-loader.cjs).
// The bundle is written inside the function that Node would wrap a CommonJS module in, so
// that the loader hands V8 the file's text as it is read: wrapped at every start instead,
// the 460 KB would be copied into one more new string first (0.3 ms).
const bundlePath = join(OUT_DIR, 'watchdog.js');
const bundleText = `(function (exports, require, module, __filename, __dirname) {${readFileSync(bundlePath, 'utf8')}\n})`;
if (/\bimport\(/.test(bundleText))
  throw new Error(
    'the bundle calls import(), which fails in code restored from a code cache: add the package to import-as-require',
  );
writeFileSync(bundlePath, bundleText);
const bundleHash = createHash('sha256').update(bundleText).digest('hex').slice(0, 16);
const bin = join(OUT_DIR, 'bin.js');
writeFileSync(bin, readFileSync(join(ROOT, 'scripts/bin-loader.cjs'), 'utf8').replace('__BUNDLE_HASH__', bundleHash));
chmodSync(bin, 0o755);
writeCodeCache(bin, join(OUT_DIR, `watchdog-${bundleHash}.code-cache`));

/**
 * Makes the code cache by running one healthy tick, as cron would, on a throwaway config
 * whose one app is this script (its heartbeat names this process). The binary writes the
 * cache itself when it has none.
 */
function writeCodeCache(binPath, cachePath) {
  const work = mkdtempSync(join(tmpdir(), 'watchdog-build-'));
  try {
    const config = join(work, 'config.json');
    const heartbeat = join(work, 'app.json');
    writeFileSync(
      config,
      JSON.stringify({
        // Never the machine's /run/watchdog: a build writes only its own folder.
        folded_checks_path: join(work, 'run', 'folded.json'),
        processes: {
          app: {
            display_name: 'App',
            timeout_seconds: 3600,
            heartbeat_path: heartbeat,
            enabled: true,
            commands: { start: 'true' },
          },
        },
      }),
    );
    writeFileSync(
      heartbeat,
      JSON.stringify({
        process_key: 'app',
        pid: process.pid,
        timestamp: new Date().toISOString().replace('Z', '+00:00'),
        status: 'running',
        iteration: 1,
      }),
    );
    const tick = spawnSync(process.execPath, [binPath, 'check', '-c', config], { encoding: 'utf8' });
    const status = spawnSync(process.execPath, [binPath, 'status', '-c', config, '--json'], { encoding: 'utf8' });
    const state = status.status === 0 ? JSON.parse(status.stdout).processes[0]?.state : undefined;
    if (tick.status !== 0 || state !== 'healthy') {
      throw new Error(
        `the tick that makes the code cache did not find its app healthy (exit ${tick.status}, state ${state}): ${tick.stderr}${status.stderr}`,
      );
    }
    if (!existsSync(cachePath)) throw new Error(`the tick that makes the code cache wrote none at ${cachePath}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
