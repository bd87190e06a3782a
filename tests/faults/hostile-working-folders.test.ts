// Fault injection, hostile users: a command's working folder (`cwd`) in a folder the app's
// user owns. The watchdog starts the command as root and drops to the process's `user` only
// in the child, so the folder is entered as root: a link the app's user put in its place
// would take a command of theirs below another user's private folder (once inside, the
// kernel does not ask whether the folders above may be searched), and a cleanup run as root
// into whatever folder the link names. A working folder reached through a link someone
// other than root could have planted is refused, and the command does not run.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { hashFile } from '../helpers/watchdog-in-namespace.js';
import { asUser } from '../helpers/throwaway-users.js';
import { faultCase } from './report.js';
import {
  actionOutcomes,
  assertBystandersUntouched,
  bystanderReport,
  describeBystanders,
  describeRun,
  recoveriesOf,
  writeFaultConfig,
} from './fault-scenario.js';
import { describeKernel, filesHolding, inCase, mountVault, startHostileWorld } from './hostile-world.js';

/** Whether two paths name the same file (the listing of a folder follows links to folders). */
function sameFile(a: string, b: string): boolean {
  const [one, two] = [statSync(a), statSync(b)];
  return one.dev === two.dev && one.ino === two.ino;
}

describe('fault injection, hostile users: a working folder replaced by a link', () => {
  it("runs no command in a working folder reached through a link the app's user planted", async (t) => {
    const world = await startHostileWorld('hostile-cwd');
    const { hostile, other } = world;
    const vault = await mountVault(world);

    // The other user's secret: readable by anyone in its folder (0755), which is below a
    // folder of theirs only they may enter (0700).
    const secret = `SECRET-${randomBytes(12).toString('hex')}`;
    const secretPath = join(other.home, 'private/open/secret');
    await other.sh(
      'mkdir -p private/open && chmod 700 private && chmod 755 private/open && printf "%s\\n" "$1" > private/open/secret',
      secret,
    );
    const secretHash = hashFile(secretPath);
    const direct = await world.ns.run([...asUser(hostile.user), 'cat', secretPath], { cwd: hostile.home });

    // The hostile user's working folders, first real, then each swapped for a link: one to
    // the other user's folder, one to a root-only folder (the vault's).
    const swapForLink = async (mine: string, target: string): Promise<void> => {
      await hostile.mkdir(join(hostile.home, mine));
      await hostile.move(join(hostile.home, mine), join(hostile.home, `${mine}.mine`));
      await hostile.symlink(target, join(hostile.home, mine));
    };
    await swapForLink('c1/work', join(other.home, 'private/open'));
    const rootOnly = await vault.addFolder('cleanup-target');
    await swapForLink('c2/work', rootOnly);
    const rootOnlyBefore = await vault.snapshot('cleanup-target');
    const stolen = join(hostile.home, 'c1/stolen');

    writeFaultConfig(
      world.dir,
      {
        cwd_user: {
          heartbeat_path: join(hostile.home, 'c1/app.json'),
          user: hostile.user.name,
          cwd: join(hostile.home, 'c1/work'),
          commands: { start: `cat secret > ${stolen}` },
        },
        cwd_root: {
          heartbeat_path: join(hostile.home, 'c2/app.json'),
          cwd: join(hostile.home, 'c2/work'),
          commands: { cleanup: 'touch marker', start: 'touch started' },
          recovery_actions: ['kill', 'cleanup', 'start'],
        },
      },
      { consecutive_failures_threshold: 1 },
    );

    const tick = await world.watchdog(['check']);
    const recoveries = recoveriesOf(world.dbPath);
    const bystanders = await bystanderReport(world);
    const rootOnlyAfter = await vault.snapshot('cleanup-target');
    const actionOf = (key: string, name: string) =>
      recoveries.find((row) => row.process_key === key)?.actions.find((action) => action.action === name);
    const untrusted = (folder: string): RegExp =>
      new RegExp(`the working folder ${join(hostile.home, folder)} is not trusted: `);

    await t.test('cwd_user', () =>
      faultCase(
        'm.21',
        "the working folder (`cwd`) of a process with `user` set to the hostile user, in their folder, replaced by them with a symbolic link to a 0755 folder below the other user's 0700 folder, holding a secret; the start runs `cat secret > <hostile folder>/stolen`; threshold 1",
        "the start fails, its reason naming the working folder as not trusted; nothing read: no file of the hostile user's holds the secret; the secret unchanged; exit 1 (a failed start)",
        (seen) => {
          const start = actionOf('cwd_user', 'start');
          // The secret's own file, by whatever way the listing reached it, is not a leak.
          const leaked = filesHolding(world.dir, secret).filter((path) => !sameFile(path, secretPath));
          seen.note(describeKernel(world));
          seen.note("the hostile user's own `cat` of the secret by its path", inCase(world, describeRun(direct)));
          seen.note('tick', `exit ${String(tick.code)}`);
          seen.note('actions', actionOutcomes(recoveries.find((row) => row.process_key === 'cwd_user')));
          seen.note('start detail', inCase(world, start?.detail ?? 'none'));
          seen.note('stolen file', hashFile(stolen) === 'absent' ? 'absent' : 'present');
          seen.note(
            'other files holding the secret',
            leaked.map((path) => inCase(world, path)),
          );
          seen.note('secret', hashFile(secretPath) === secretHash ? 'unchanged' : 'changed');
          seen.note(describeBystanders(bystanders));

          assert.notEqual(direct.code, 0, 'precondition: the hostile user cannot read the secret by its path');
          assert.deepEqual(leaked, [], 'the secret was read nowhere');
          assert.equal(hashFile(secretPath), secretHash, 'the secret is unchanged');
          assert.equal(start?.outcome, 'failed', `start: ${start?.detail ?? 'none'}`);
          assert.match(start?.detail ?? '', untrusted('c1/work'));
          assert.equal(tick.code, 1, `exit code; stderr: ${tick.stderr}`);
          assertBystandersUntouched(bystanders);
        },
      ),
    );
    await t.test('cwd_root', () =>
      faultCase(
        'm.22',
        "the working folder of a root process (no `user`), in the hostile user's folder, replaced by them with a symbolic link to a root-only folder (a private tmpfs); the pipeline kill → `cleanup` (`touch marker`) → start (`touch started`); threshold 1",
        'cleanup and start run nowhere, each failing with a reason naming the working folder as not trusted; the root-only folder unchanged (no marker); exit 1 (a failed start)',
        (seen) => {
          const cleanup = actionOf('cwd_root', 'cleanup');
          const start = actionOf('cwd_root', 'start');
          seen.note('tick', `exit ${String(tick.code)}`);
          seen.note('actions', actionOutcomes(recoveries.find((row) => row.process_key === 'cwd_root')));
          seen.note('cleanup detail', inCase(world, cleanup?.detail ?? 'none'));
          seen.note('start detail', inCase(world, start?.detail ?? 'none'));
          seen.note('root-only folder before', rootOnlyBefore);
          seen.note('after', rootOnlyAfter);
          seen.note(describeBystanders(bystanders));

          assert.deepEqual(rootOnlyAfter, rootOnlyBefore, 'nothing was made in the root-only folder');
          assert.equal(cleanup?.outcome, 'failed', `cleanup: ${cleanup?.detail ?? 'none'}`);
          assert.match(cleanup?.detail ?? '', untrusted('c2/work'));
          assert.equal(start?.outcome, 'failed', `start: ${start?.detail ?? 'none'}`);
          assert.match(start?.detail ?? '', untrusted('c2/work'));
          assert.equal(tick.code, 1, `exit code; stderr: ${tick.stderr}`);
          assertBystandersUntouched(bystanders);
        },
      ),
    );
  });
});
