// Fault injection, hostile users: links planted in the folders a root watchdog reads a
// heartbeat from. An unprivileged user owns the folder their app's heartbeat is in, so they
// can swap any part of its path; a second user runs an app of their own. Whatever the first
// plants, the watchdog must not read (or rename, at a start) another user's heartbeat
// through it, nor signal the second user's app: a heartbeat reached through a link someone
// other than root could have planted, a hard link to another user's heartbeat, or a
// heartbeat naming another configured process's key is `invalid_heartbeat`, and the PID it
// names is never the basis of a kill. Every file and link is made by the user it belongs
// to, except the hard link (fs.protected_hardlinks stops a user linking another's file;
// root makes it, as a hostile user on a machine without that protection could).
import assert from 'node:assert/strict';
import { existsSync, linkSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { hashFile } from '../helpers/watchdog-in-namespace.js';
import { faultCase, type Observation } from './report.js';
import {
  actionOutcomes,
  assertBystandersUntouched,
  bystanderReport,
  checksOf,
  describeBystanders,
  describeRun,
  heartbeatJson,
  recoveriesOf,
  stubStarts,
  writeFaultConfig,
} from './fault-scenario.js';
import {
  appReport,
  assertAppUntouched,
  describeApp,
  describeKernel,
  inCase,
  startHostileWorld,
} from './hostile-world.js';

describe("fault injection, hostile users: links in the heartbeat's path", () => {
  it("never reads another user's heartbeat through a planted link, never renames it, never signals that user's app", async (t) => {
    const world = await startHostileWorld('hostile-links');
    const { hostile, other } = world;
    // The other user's two apps: one the watchdog monitors (other_app), one it does not (victim).
    const otherApp = await other.startApp('other_app');
    const victim = await other.startApp('victim');
    const otherAppBeat = join(other.home, 'app/hb/app.json');
    await other.mkdir(join(other.home, 'app/hb'));
    await other.writeFile(otherAppBeat, heartbeatJson({ process_key: 'other_app', pid: otherApp.pid }));

    // The other user's folders that the hostile user's links point at, each holding a valid,
    // fresh heartbeat of the same file name, written by the other user and naming the victim.
    const targets: Record<string, { folder: string; status: string }> = {
      folder_link: { folder: 'm1/hb', status: 'running' },
      folder_link_user: { folder: 'm2/hb', status: 'running' },
      parent_link: { folder: 'm3/deep/hb', status: 'running' },
      error_bait: { folder: 'm4/hb', status: 'error' },
    };
    for (const { folder, status } of Object.values(targets)) {
      await other.mkdir(join(other.home, folder));
      await other.writeFile(
        join(other.home, folder, 'app.json'),
        heartbeatJson({ process_key: 'victim', pid: victim.pid, status }),
      );
    }
    // The heartbeat the hostile user's hard link will share: the other user's, naming the victim.
    const linkedBeat = join(other.home, 'm7/hb/app.json');
    await other.mkdir(join(other.home, 'm7/hb'));
    await other.writeFile(linkedBeat, heartbeatJson({ process_key: 'victim', pid: victim.pid, status: 'error' }));
    const otherBeats = [
      otherAppBeat,
      linkedBeat,
      ...Object.values(targets).map(({ folder }) => join(other.home, folder, 'app.json')),
    ];
    const hashesBefore = otherBeats.map(hashFile);

    // The hostile user's folders: first real (their own app's folder), then swapped for links.
    const swapForLink = async (mine: string, theirs: string): Promise<void> => {
      await hostile.mkdir(join(hostile.home, mine));
      await hostile.move(join(hostile.home, mine), join(hostile.home, `${mine}.mine`));
      await hostile.symlink(join(other.home, theirs), join(hostile.home, mine));
    };
    await swapForLink('m1/hb', 'm1/hb');
    await swapForLink('m2/hb', 'm2/hb');
    await swapForLink('m3/deep', 'm3/deep');
    await swapForLink('m4/hb', 'm4/hb');
    // A copy of the monitored other app's heartbeat, written by the hostile user in their own folder.
    await hostile.mkdir(join(hostile.home, 'm6/hb'));
    await hostile.writeFile(
      join(hostile.home, 'm6/hb/app.json'),
      heartbeatJson({ process_key: 'other_app', pid: otherApp.pid }),
    );
    // A hard link to the other user's heartbeat in the hostile user's folder (made by root: see the header).
    await hostile.mkdir(join(hostile.home, 'm7/hb'));
    linkSync(linkedBeat, join(hostile.home, 'm7/hb/app.json'));
    const linksBefore = statSync(linkedBeat).nlink;

    const hostileBeat = (folder: string): string => join(hostile.home, folder, 'app.json');
    writeFaultConfig(
      world.dir,
      {
        other_app: { heartbeat_path: otherAppBeat, user: other.user.name, cwd: other.home },
        folder_link: { heartbeat_path: hostileBeat('m1/hb') },
        folder_link_user: { heartbeat_path: hostileBeat('m2/hb'), user: hostile.user.name, cwd: hostile.home },
        parent_link: { heartbeat_path: hostileBeat('m3/deep/hb') },
        error_bait: { heartbeat_path: hostileBeat('m4/hb') },
        key_copy: { heartbeat_path: hostileBeat('m6/hb') },
        hard_link: { heartbeat_path: hostileBeat('m7/hb') },
      },
      { consecutive_failures_threshold: 1 },
    );

    const tick = await world.watchdog(['check']);
    const checks = checksOf(world.dbPath);
    const recoveries = recoveriesOf(world.dbPath);
    const bystanders = await bystanderReport(world);
    const otherAppSeen = await appReport(world, otherApp);
    const victimSeen = await appReport(world, victim);
    const starts = [...stubStarts(world.dir), ...stubStarts(hostile.home)];
    const hashesAfter = otherBeats.map(hashFile);
    const staleInOther = readdirSync(other.home, { recursive: true, encoding: 'utf8' }).filter((name) =>
      name.endsWith('.stale'),
    );
    const otherAppCheck = checks.find((row) => row.process_key === 'other_app');

    /** The facts and assertions every case shares: one tick, the key's state and recovery, the apps untouched. */
    const judge = (key: string, reason: RegExp) => (seen: Observation) => {
      const check = checks.find((row) => row.process_key === key);
      const recovery = recoveries.find((row) => row.process_key === key);
      const kill = recovery?.actions.find((action) => action.action === 'kill');
      seen.note(describeKernel(world));
      seen.note(describeRun(tick));
      seen.note(inCase(world, `${check?.health ?? 'no state'}: ${check?.reason ?? 'no reason'}`));
      seen.note('actions', actionOutcomes(recovery));
      seen.note(
        'kill signalled',
        kill === undefined || kill.signal === null ? 'nothing' : `${kill.signal} to ${String(kill.pid)}`,
      );
      seen.note('stub starts', starts.filter((line) => line === key).length);
      seen.note(describeApp(`the other user's monitored app (PID ${otherApp.pid})`, otherAppSeen));
      seen.note(describeApp(`the other user's victim app (PID ${victim.pid})`, victimSeen));
      seen.note(`other_app ${otherAppCheck?.health ?? 'no state'}`);
      seen.note(describeBystanders(bystanders));

      assert.equal(tick.code, 0, `exit code; stderr: ${tick.stderr}`);
      assert.equal(check?.health, 'invalid_heartbeat', `${key}: ${check?.reason ?? 'no row'}`);
      assert.match(check?.reason ?? '', reason);
      assert.deepEqual(
        actionOutcomes(recovery).map((line) => line.split(':')[0]),
        ['kill', 'start'],
        'the recovery ran kill, then start',
      );
      assert.ok(
        kill?.outcome === 'nothing_to_kill' || kill?.outcome === 'refused',
        `kill outcome ${String(kill?.outcome)}: ${kill?.detail ?? ''}`,
      );
      assert.deepEqual({ pid: kill?.pid, signal: kill?.signal }, { pid: null, signal: null }, 'kill signalled no PID');
      assert.equal(starts.filter((line) => line === key).length, 1, 'its stub start ran once');
      assertAppUntouched("the other user's monitored app", otherAppSeen);
      assertAppUntouched("the other user's victim app", victimSeen);
      assert.equal(otherAppCheck?.health, 'healthy', `other_app: ${otherAppCheck?.reason ?? 'no row'}`);
      assertBystandersUntouched(bystanders);
    };
    const linkExpected =
      "invalid_heartbeat, the reason names the symbolic link; kill signals nothing, the stub start runs; the other user's apps alive and unsignalled; exit 0";

    await t.test('folder_link', () =>
      faultCase(
        'm.1',
        "heartbeat folder replaced by the hostile user with a symbolic link to the other user's folder, whose heartbeat of the same name is valid, fresh and names that user's live app (no `user`); threshold 1, pipeline kill → stub start",
        linkExpected,
        judge('folder_link', /symbolic link/),
      ),
    );
    await t.test('folder_link_user', () =>
      faultCase(
        'm.2',
        'as m.1, with `user` set to the hostile user (commands run as them)',
        linkExpected,
        judge('folder_link_user', /symbolic link/),
      ),
    );
    await t.test('parent_link', () =>
      faultCase(
        'm.3',
        "the folder two levels above the heartbeat (`deep` in deep/hb/app.json) replaced by a symbolic link to the other user's `deep`, holding a valid, fresh heartbeat naming their live app",
        linkExpected,
        judge('parent_link', /symbolic link/),
      ),
    );
    await t.test('error_bait', () =>
      faultCase(
        'm.4',
        'heartbeat folder replaced by a symbolic link to the other user\'s folder whose fresh heartbeat reports "status": "error" and names their live app (kill bait)',
        linkExpected,
        judge('error_bait', /symbolic link/),
      ),
    );
    await t.test('no .stale rename through a link', () =>
      faultCase(
        'm.5',
        "the start's move of the old heartbeat to `.stale` (m.1–m.4, and m.7's hard link) while the heartbeat folder is a symbolic link to the other user's folder",
        "the other user's heartbeats stay where they are, byte for byte; no `.stale` appears in their folders",
        (seen) => {
          seen.note(describeKernel(world));
          seen.note(
            "the other user's heartbeats unchanged",
            `${hashesAfter.filter((hash, index) => hash === hashesBefore[index]).length} of ${otherBeats.length}`,
          );
          seen.note(
            'missing now',
            otherBeats.filter((path) => !existsSync(path)).map((path) => inCase(world, path)),
          );
          seen.note(".stale files in the other user's folder", staleInOther);
          seen.note('stub starts', starts.length);
          assert.deepEqual(hashesAfter, hashesBefore, 'every heartbeat of the other user is still there, unchanged');
          assert.deepEqual(staleInOther, [], "nothing was moved aside in the other user's folder");
          assert.ok(starts.length >= 4, `the starts ran (${starts.length}), so their rename was tried`);
        },
      ),
    );
    await t.test('key_copy', () =>
      faultCase(
        'm.6',
        "the hostile user's heartbeat is a copy of the other user's monitored app's heartbeat: `process_key` names another configured process (other_app), its PID that app's",
        "invalid_heartbeat, the reason names the other key; never the basis of a kill: kill signals nothing; the other user's apps untouched; exit 0",
        judge('key_copy', /other_app/),
      ),
    );
    await t.test('hard_link', () =>
      faultCase(
        'm.7',
        'the hostile user\'s heartbeat is a hard link to a heartbeat of the other user\'s (fresh, "status": "error", naming their live app; made by root: fs.protected_hardlinks stops the user)',
        "invalid_heartbeat, the reason names the hard link; kill signals nothing; the other user's heartbeat still in place and their apps untouched; exit 0",
        (seen) => {
          seen.note("names of the other user's heartbeat before the tick", linksBefore);
          seen.note('now', existsSync(linkedBeat) ? statSync(linkedBeat).nlink : 'gone from its place');
          judge('hard_link', /hard link/)(seen);
          assert.equal(
            hashFile(linkedBeat),
            hashesBefore[1],
            "the other user's heartbeat is still in its place, unchanged",
          );
        },
      ),
    );
  });
});
