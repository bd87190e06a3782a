#!/usr/bin/env node
// The `watchdog` binary (dist/cli/bin.js, written from this file by scripts/build-bundle.mjs).
// It runs the bundle beside it, dist/cli/watchdog.js, the way Node runs a CommonJS module,
// with one difference: V8 is given the code it compiled for the bundle last time (its code
// cache), so a cron tick does not parse and compile the same 450 KB again every minute. On
// Node 22 this is what module.enableCompileCache() does; Node 20 does not have it.
//
// The cache is made by the build, from one tick on a throwaway config. V8 refuses a cache
// made by another V8 version or with other flags (the bundle is then compiled as usual),
// and a `check` that was refused writes a fresh one if it can (it is an optimisation: a
// folder it cannot write to only costs the compile). A cache made for another bundle is
// never offered: its name carries a hash of the bundle's contents.
'use strict';
const { readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { Script } = require('node:vm');

const BUNDLE = join(__dirname, 'watchdog.js');
const CACHE = join(__dirname, 'watchdog-__BUNDLE_HASH__.code-cache');

let cachedData;
try {
  cachedData = readFileSync(CACHE);
} catch {
  // None yet: compiled from source, as Node would.
}
// The bundle is one function expression, the wrapper Node puts around a CommonJS module
// (the build writes it so). It has no import(): V8 cannot run it in code restored from a
// cache, so the build turns it into require() and refuses a bundle that still has one.
const script = new Script(readFileSync(BUNDLE, 'utf8'), { filename: BUNDLE, cachedData });

if (process.argv[2] === 'check' && (cachedData === undefined || script.cachedDataRejected)) {
  // After the run, so the cache holds every function the tick compiled, not only the top level.
  process.once('exit', () => {
    const temporary = `${CACHE}.${process.pid}`;
    try {
      writeFileSync(temporary, script.createCachedData(), { mode: 0o644 });
      renameSync(temporary, CACHE);
    } catch {
      // A read-only install or a full disk: the next tick compiles again, nothing worse. An
      // exit handler must not throw, so a leftover that cannot be removed is left.
      try {
        rmSync(temporary, { force: true });
      } catch {
        // See above.
      }
    }
  });
}

// The bundle sits beside this file, so this file's require() resolves as the bundle's would.
const bundle = { exports: {} };
script.runInThisContext()(bundle.exports, require, bundle, BUNDLE, __dirname);
