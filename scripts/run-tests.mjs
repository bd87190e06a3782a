#!/usr/bin/env node
// Runs every `*.test.ts` under the given folders with Node's own test runner,
// TypeScript loaded through tsx. Node 20's `--test` takes no glob patterns, so
// the file list is built here instead of by the shell (whose `**` is not recursive).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const roots = process.argv.slice(2);
if (roots.length === 0) {
  console.error('usage: run-tests.mjs <folder|file> [...]');
  process.exit(2);
}

/** @param {string} path */
function collect(path) {
  if (statSync(path).isFile()) return [path];
  return readdirSync(path, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.test.ts') && !name.split('/').includes('node_modules'))
    .map((name) => join(path, name));
}

const files = roots.flatMap((root) => collect(resolve(root))).sort();
if (files.length === 0) {
  console.error(`no test files under ${roots.join(', ')}`);
  process.exit(1);
}

const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
