// @ts-check
// Whether `npm test` changed the git work tree. It compares the tree before and after the
// run rather than asking for a clean tree, so a developer's own uncommitted changes neither
// fail the check nor hide one: every path `git status --porcelain` lists is kept with its
// status and a hash of its content, so a test that rewrites a file already modified is
// seen too.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** @typedef {Map<string, string>} WorkTreeSnapshot path → status and content hash */

/**
 * The state of the work tree at `repository`, or `undefined` outside a git checkout (or
 * without git): then there is nothing to compare.
 * @param {string} repository
 * @returns {WorkTreeSnapshot | undefined}
 */
export function snapshotWorkTree(repository) {
  const status = spawnSync('git', ['status', '--porcelain=v1', '-z', '--untracked-files=all'], {
    cwd: repository,
    encoding: 'utf8',
  });
  if (status.error !== undefined || status.status !== 0) return undefined;
  /** @type {WorkTreeSnapshot} */
  const snapshot = new Map();
  const entries = status.stdout.split('\0');
  for (let i = 0; i < entries.length; i += 1) {
    const entry = entries[i] ?? '';
    if (entry === '') continue;
    const code = entry.slice(0, 2);
    const path = entry.slice(3);
    // A rename or copy is followed by its source path, which is not a separate entry.
    if (code.includes('R') || code.includes('C')) i += 1;
    snapshot.set(path, `${code} ${hashOf(join(repository, path))}`);
  }
  return snapshot;
}

/** @param {string} path */
function hashOf(path) {
  try {
    if (!statSync(path).isFile()) return 'not a file';
    return createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16);
  } catch {
    return 'gone';
  }
}

/**
 * The paths whose state differs between two snapshots, one line each (`reports/faults.md:
 * modified by the run`); `[]` when the run left the tree as it found it.
 * @param {WorkTreeSnapshot} before
 * @param {WorkTreeSnapshot} after
 * @returns {string[]}
 */
export function compareWorkTrees(before, after) {
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  return paths.flatMap((path) => {
    const was = before.get(path);
    const is = after.get(path);
    if (was === is) return [];
    if (was === undefined)
      return [`${path}: ${is?.startsWith('??') ? 'created' : 'changed'} by the run (git status: ${is?.slice(0, 2)})`];
    if (is === undefined) return [`${path}: restored by the run (it was ${was.slice(0, 2).trim()} before)`];
    return [`${path}: changed again by the run`];
  });
}
