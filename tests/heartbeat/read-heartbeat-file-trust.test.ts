// What readHeartbeatFile does not believe: a symbolic link, or a file users other than its
// owner may write; and who owns a file it reads (checked against a process's `user`).
import assert from 'node:assert/strict';
import { chmodSync, chownSync, linkSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readHeartbeatFile } from '../../src/heartbeat/read-heartbeat-file.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const HEARTBEAT =
  '{"process_key":"web","pid":12345,"timestamp":"2026-02-05T06:17:29.601049+00:00","status":"running","iteration":42}\n';
const SYMLINK_REASON = 'heartbeat path is a symbolic link: not trusted (it may point at any file)';
/** A group other users are in. */
const sharedGroup = (): boolean => false;
/** The owner's own group (a user private group). */
const privateGroup = (): boolean => true;

function heartbeatFile(mode: number, name = `hb-${mode.toString(8)}.json`): string {
  const path = join(makeTempDir('watchdog-heartbeat-trust-'), name);
  writeFileSync(path, HEARTBEAT);
  chmodSync(path, mode);
  return path;
}

describe('readHeartbeatFile: what is not trusted', () => {
  it('refuses a symbolic link, even to a sound heartbeat', () => {
    const target = heartbeatFile(0o644);
    const link = join(makeTempDir('watchdog-heartbeat-trust-'), 'link.json');
    symlinkSync(target, link);
    assert.deepEqual(readHeartbeatFile(link), { kind: 'unreadable', reason: SYMLINK_REASON });
  });

  it('refuses a symbolic link to another app’s heartbeat in the same folder', () => {
    const other = heartbeatFile(0o644, 'other.json');
    const link = join(other, '..', 'mine.json');
    symlinkSync('other.json', link);
    assert.deepEqual(readHeartbeatFile(link), { kind: 'unreadable', reason: SYMLINK_REASON });
  });

  const root = process.getuid?.() === 0;
  const asRoot = { skip: !root && 'gives a folder to another user: needs root' };

  it('refuses a heartbeat whose folder an app’s user replaced with a link to another app’s folder', asRoot, () => {
    const dir = makeTempDir('watchdog-heartbeat-trust-');
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, 'bob'));
    writeFileSync(join(dir, 'bob', 'heartbeat.json'), HEARTBEAT, { mode: 0o644 });
    const alice = join(dir, 'alice');
    mkdirSync(alice);
    symlinkSync(join(dir, 'bob'), join(alice, 'hb'));
    chownSync(alice, 65534, 65534);
    assert.deepEqual(readHeartbeatFile(join(alice, 'hb', 'heartbeat.json'), sharedGroup), {
      kind: 'unreadable',
      reason: `a folder on the heartbeat path is not trusted: ${alice}/hb is a symbolic link in ${alice}, a folder of user 65534: not followed (it may lead to another app's folder)`,
    });
  });

  it('reads a heartbeat through a link root placed in a folder only root writes (/var/run → /run)', () => {
    const dir = makeTempDir('watchdog-heartbeat-trust-');
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, 'run'));
    writeFileSync(join(dir, 'run', 'heartbeat.json'), HEARTBEAT, { mode: 0o644 });
    symlinkSync('run', join(dir, 'var-run'));
    const read = readHeartbeatFile(join(dir, 'var-run', 'heartbeat.json'), sharedGroup);
    assert.deepEqual(read, {
      kind: 'read',
      text: HEARTBEAT,
      ownerUid: statSync(join(dir, 'run', 'heartbeat.json')).uid,
    });
  });

  it('refuses another user’s heartbeat given a second name in a folder not its owner’s', asRoot, () => {
    const dir = makeTempDir('watchdog-heartbeat-trust-');
    chmodSync(dir, 0o755);
    const bob = join(dir, 'bob');
    mkdirSync(bob);
    writeFileSync(join(bob, 'heartbeat.json'), HEARTBEAT, { mode: 0o644 });
    chownSync(join(bob, 'heartbeat.json'), 65534, 65534);
    chownSync(bob, 65534, 65534);
    // In a shared folder of root's (/run/heartbeats): a second name is refused.
    linkSync(join(bob, 'heartbeat.json'), join(dir, 'shared.json'));
    assert.deepEqual(readHeartbeatFile(join(dir, 'shared.json'), sharedGroup), {
      kind: 'unreadable',
      reason: "heartbeat file has 2 names (hard links): not trusted (it may be another app's heartbeat)",
    });
    // In another ordinary user's folder: refused whatever its names.
    const alice = join(dir, 'alice');
    mkdirSync(alice);
    linkSync(join(bob, 'heartbeat.json'), join(alice, 'heartbeat.json'));
    chownSync(alice, 4242, 4242);
    assert.deepEqual(readHeartbeatFile(join(alice, 'heartbeat.json'), sharedGroup), {
      kind: 'unreadable',
      reason:
        "heartbeat file belongs to uid 65534 but its folder to uid 4242 (a hard link to another user's file?): not trusted",
    });
    // A file of root's in an ordinary user's folder: they may have moved it there (a log root made for them).
    writeFileSync(join(alice, 'roots.json'), HEARTBEAT, { mode: 0o644 });
    assert.deepEqual(readHeartbeatFile(join(alice, 'roots.json'), sharedGroup), {
      kind: 'unreadable',
      reason:
        'heartbeat file belongs to root but its folder to uid 4242, who could have moved any such file there: not trusted',
    });
    // In its owner's own folder it stays trusted: another user's link must not make bob's app untrusted.
    assert.deepEqual(readHeartbeatFile(join(bob, 'heartbeat.json'), sharedGroup), {
      kind: 'read',
      text: HEARTBEAT,
      ownerUid: 65534,
    });
  });

  const loose: [number, string, () => boolean][] = [
    [0o666, 'writable by everyone', privateGroup],
    [0o646, 'writable by others only', privateGroup],
    [0o620, 'writable by a shared group', sharedGroup],
    [0o664, 'readable by all, writable by a shared group', sharedGroup],
  ];
  for (const [mode, what, groups] of loose) {
    const bits = mode.toString(8).padStart(4, '0');
    it(`refuses mode ${bits} (${what}): writable by other users`, () => {
      assert.deepEqual(readHeartbeatFile(heartbeatFile(mode), groups), {
        kind: 'unreadable',
        reason: `heartbeat file is writable by other users (mode ${bits}): not trusted (the app should write it 0644)`,
      });
    });
  }

  it('refuses mode 0666 with this machine’s own groups', () => {
    assert.deepEqual(readHeartbeatFile(heartbeatFile(0o666)), {
      kind: 'unreadable',
      reason: 'heartbeat file is writable by other users (mode 0666): not trusted (the app should write it 0644)',
    });
  });

  it('refuses mode 0620 of a group that is not the owner’s private group, by this machine’s own groups', () => {
    const path = heartbeatFile(0o620);
    // As root (the test machines and CI): 65534 (nogroup) is nobody's private group here. Others fake the group.
    const root = process.getuid?.() === 0;
    if (root) chownSync(path, 0, 65534);
    const read = root ? readHeartbeatFile(path) : readHeartbeatFile(path, sharedGroup);
    assert.deepEqual(read, {
      kind: 'unreadable',
      reason: 'heartbeat file is writable by other users (mode 0620): not trusted (the app should write it 0644)',
    });
  });
});

describe('readHeartbeatFile: what is read, with its owner', () => {
  for (const mode of [0o644, 0o600, 0o444]) {
    const bits = mode.toString(8).padStart(4, '0');
    it(`reads mode ${bits}, with the file’s owner`, () => {
      const path = heartbeatFile(mode);
      assert.deepEqual(readHeartbeatFile(path, sharedGroup), {
        kind: 'read',
        text: HEARTBEAT,
        ownerUid: statSync(path).uid,
      });
    });
  }

  it('reads a group-writable file when the group is the owner’s private one (umask 002)', () => {
    const path = heartbeatFile(0o664);
    const asked: [number, number][] = [];
    const read = readHeartbeatFile(path, (gid, uid) => {
      asked.push([gid, uid]);
      return true;
    });
    const { uid, gid } = statSync(path);
    assert.deepEqual(read, { kind: 'read', text: HEARTBEAT, ownerUid: uid });
    assert.deepEqual(asked, [[gid, uid]], 'asked about the file’s own group and owner');
  });

  it('reports the owner of a file another user owns', () => {
    const path = heartbeatFile(0o644);
    const root = process.getuid?.() === 0;
    // Only root can give a file away; others see their own uid.
    if (root) chownSync(path, 65534, 65534);
    assert.deepEqual(readHeartbeatFile(path), {
      kind: 'read',
      text: HEARTBEAT,
      ownerUid: root ? 65534 : process.getuid?.(),
    });
  });
});
