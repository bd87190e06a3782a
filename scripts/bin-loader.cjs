#!/usr/bin/env node
// The `watchdog` binary (dist/cli/bin.js, written from this file by scripts/build-bundle.mjs).
// It runs the bundle beside it, dist/cli/watchdog.js, the way Node runs a CommonJS module,
// with one difference: V8 is given the code it compiled for the bundle last time (its code
// cache), so a cron tick does not parse and compile the same 300 KB again every minute. On
// Node 22 this is what module.enableCompileCache() does; Node 20 does not have it. The
// bundle runs the build's other script, the config schema's validator, the same way and
// only when it needs it (runBeside).
//
// The caches are made by the build, from one tick on a throwaway config. V8 refuses a cache
// made by another V8 version or with other flags (the script is then compiled as usual),
// and a `check` that was refused writes a fresh one if it can (it is an optimisation: a
// folder it cannot write to only costs the compile). A cache made for another script is
// never offered: its name carries a hash of the script's contents.
'use strict';
const { readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { Script } = require('node:vm');

/** The build's scripts beside this file, and their code caches. */
const CACHES = {
  'watchdog.js': 'watchdog-__BUNDLE_HASH__.code-cache',
  'config-schema-validator.js': 'config-schema-validator-__VALIDATOR_HASH__.code-cache',
};
/** Scripts compiled without a cache V8 took, and where theirs goes. */
const uncached = [];

/**
 * Runs a script of the build as Node runs a CommonJS module, and returns its exports. The
 * build writes each inside the function Node wraps a module in (with runBeside as one more
 * parameter). It has no import(): V8 cannot run it in code restored from a cache, so the
 * build turns it into require() and refuses a script that still has one.
 */
function runBeside(name) {
  const path = join(__dirname, name);
  const cachePath = join(__dirname, CACHES[name]);
  let cachedData;
  try {
    cachedData = readFileSync(cachePath);
  } catch {
    // None yet: compiled from source, as Node would.
  }
  const script = new Script(readFileSync(path, 'utf8'), { filename: path, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) uncached.push({ script, cachePath });
  // The scripts sit beside this file, so this file's require() resolves as theirs would.
  const module = { exports: {} };
  script.runInThisContext()(module.exports, require, module, path, __dirname, runBeside);
  return module.exports;
}

if (process.argv[2] === 'check') {
  // After the run, so a cache holds every function the tick compiled, not only the top level.
  process.once('exit', () => {
    for (const { script, cachePath } of uncached) {
      const temporary = `${cachePath}.${process.pid}`;
      try {
        writeFileSync(temporary, script.createCachedData(), { mode: 0o644 });
        renameSync(temporary, cachePath);
      } catch {
        // A read-only install or a full disk: the next tick compiles again, nothing worse. An
        // exit handler must not throw, so a leftover that cannot be removed is left.
        try {
          rmSync(temporary, { force: true });
        } catch {
          // See above.
        }
      }
    }
  });
}

runBeside('watchdog.js');
