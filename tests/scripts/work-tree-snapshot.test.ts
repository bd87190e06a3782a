import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compareWorkTrees, snapshotWorkTree } from '../../scripts/work-tree-snapshot.mjs';
import { makeTempDir } from '../helpers/temp-dir.js';

/** A fresh repository with two committed files, and a developer's own uncommitted edit of one. */
function repositoryWithLocalChanges(): string {
  const dir = makeTempDir();
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], {
      cwd: dir,
      stdio: 'ignore',
    });
  git('init', '--quiet');
  mkdirSync(join(dir, 'reports'));
  writeFileSync(join(dir, 'reports/faults.md'), 'committed\n');
  writeFileSync(join(dir, 'README.md'), 'committed\n');
  writeFileSync(join(dir, '.gitignore'), '/test-results/\n');
  git('add', '.');
  git('commit', '--quiet', '-m', 'start');
  writeFileSync(join(dir, 'README.md'), 'edited by the developer\n');
  return dir;
}

describe('snapshotWorkTree and compareWorkTrees', () => {
  it('find nothing when the run wrote only ignored files, whatever the developer changed before', () => {
    const dir = repositoryWithLocalChanges();
    const before = snapshotWorkTree(dir);
    assert.ok(before !== undefined);
    mkdirSync(join(dir, 'test-results'));
    writeFileSync(join(dir, 'test-results/faults.md'), 'this run\n');
    assert.deepEqual(compareWorkTrees(before, snapshotWorkTree(dir) ?? new Map()), []);
  });

  const changes: [string, (dir: string) => void, string[]][] = [
    [
      'a tracked file rewritten',
      (dir) => writeFileSync(join(dir, 'reports/faults.md'), 'this run\n'),
      ['reports/faults.md: changed by the run (git status:  M)'],
    ],
    [
      'a file the developer had edited, rewritten again',
      (dir) => writeFileSync(join(dir, 'README.md'), 'this run\n'),
      ['README.md: changed again by the run'],
    ],
    [
      'a new file outside the ignored folder',
      (dir) => writeFileSync(join(dir, 'left-behind.db'), ''),
      ['left-behind.db: created by the run (git status: ??)'],
    ],
    [
      'a tracked file removed',
      (dir) => rmSync(join(dir, 'reports/faults.md')),
      ['reports/faults.md: changed by the run (git status:  D)'],
    ],
    [
      "the developer's edit undone",
      (dir) => writeFileSync(join(dir, 'README.md'), 'committed\n'),
      ['README.md: restored by the run (it was M before)'],
    ],
  ];
  for (const [name, change, expected] of changes) {
    it(`see ${name}`, () => {
      const dir = repositoryWithLocalChanges();
      const before = snapshotWorkTree(dir);
      assert.ok(before !== undefined);
      change(dir);
      assert.deepEqual(compareWorkTrees(before, snapshotWorkTree(dir) ?? new Map()), expected);
    });
  }

  it('say there is nothing to compare outside a git checkout', () => {
    assert.equal(snapshotWorkTree(makeTempDir()), undefined);
  });
});
