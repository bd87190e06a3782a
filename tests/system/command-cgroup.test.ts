import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createCommandCgroup, findOwnCgroupFolder, readPidNamespace } from '../../src/system/command-cgroup.js';
import { onCleanup } from '../helpers/cleanup.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/** A fake procfs with only `self/cgroup` and `self/mountinfo`. */
function fakeProc(cgroup: string, mountinfo: string[]): string {
  const root = makeTempDir();
  mkdirSync(join(root, 'self'));
  writeFileSync(join(root, 'self/cgroup'), cgroup);
  writeFileSync(join(root, 'self/mountinfo'), `${mountinfo.join('\n')}\n`);
  return root;
}

const V1 = '30 25 0:27 / /sys/fs/cgroup/memory rw,nosuid shared:12 - cgroup cgroup rw,memory';

const cases: [name: string, cgroup: string, mountinfo: string[], expected: string | undefined][] = [
  [
    'pure v2 under systemd',
    '0::/system.slice/watchdog.service\n',
    ['29 25 0:26 / /sys/fs/cgroup rw shared:4 - cgroup2 cgroup2 rw'],
    '/sys/fs/cgroup/system.slice/watchdog.service',
  ],
  [
    'hybrid: v2 at unified, v1 controllers beside it',
    '4:memory:/x\n0::/\n',
    [V1, '31 25 0:28 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw'],
    '/sys/fs/cgroup/unified',
  ],
  ['v1 only: no cgroup2 mount', '4:memory:/x\n', [V1], undefined],
  ['a 0:: line but no cgroup2 mount', '0::/\n', [V1], undefined],
  [
    'a mount of a subtree (a container): the path below its root',
    '0::/lxc/box/app\n',
    ['40 30 0:26 /lxc/box /sys/fs/cgroup rw - cgroup2 cgroup2 rw'],
    '/sys/fs/cgroup/app',
  ],
  [
    'a subtree mount that does not hold us',
    '0::/other\n',
    ['40 30 0:26 /lxc/box /sys/fs/cgroup rw - cgroup2 cgroup2 rw'],
    undefined,
  ],
  [
    'a mount point with a space, as mountinfo escapes it',
    '0::/\n',
    ['41 25 0:26 / /mnt/cg\\040two rw - cgroup2 cgroup2 rw'],
    '/mnt/cg two',
  ],
];

describe('findOwnCgroupFolder', () => {
  for (const [name, cgroup, mountinfo, expected] of cases) {
    it(name, () => {
      assert.equal(findOwnCgroupFolder(fakeProc(cgroup, mountinfo)), expected);
    });
  }
});

describe('createCommandCgroup', () => {
  it('says why there is none when no cgroup2 file system holds the watchdog', () => {
    const proc = fakeProc('4:memory:/x\n', [V1]);
    mkdirSync(join(proc, 'self/ns'));
    symlinkSync('pid:[4026531836]', join(proc, 'self/ns/pid'));
    assert.deepEqual(createCommandCgroup({ procRoot: proc }), { reason: 'no cgroup2 file system holds the watchdog' });
  });

  const ownership: [name: string, uid: number, mode: number, reason: RegExp][] = [
    [
      'a folder owned by a user (sudo inside user@.service): none used',
      1000,
      0o755,
      /is owned by uid 1000, not root: that user could move processes/,
    ],
    ['a folder others may write: none used', 0, 0o777, /is writable by its group or others/],
    ["root's, 0755: trusted (this fake has no cgroup.kill)", 0, 0o755, /no cgroup\.kill/],
  ];
  for (const [name, uid, mode, reason] of ownership) {
    it(name, () => {
      const mount = makeTempDir();
      chmodSync(mount, 0o755);
      const proc = fakeProc('0::/user.slice/app\n', [`29 25 0:26 / ${mount} rw shared:4 - cgroup2 cgroup2 rw`]);
      mkdirSync(join(proc, 'self/ns'));
      symlinkSync('pid:[4026531836]', join(proc, 'self/ns/pid'));
      const folder = join(mount, 'user.slice/app');
      mkdirSync(folder, { recursive: true });
      chmodSync(join(mount, 'user.slice'), 0o755);
      chmodSync(folder, mode);
      chownSync(folder, uid, uid);
      const made = createCommandCgroup({ procRoot: proc });
      assert.ok('reason' in made && reason.test(made.reason), JSON.stringify(made));
    });
  }

  it('makes a cgroup named for this PID namespace and PID, and removes it when released', (t) => {
    const home = findOwnCgroupFolder();
    const made = createCommandCgroup();
    if (home === undefined || !('dir' in made)) {
      t.skip(`no cgroup can be made here: ${'reason' in made ? made.reason : 'no cgroup2'}`);
      return;
    }
    onCleanup(() => made.release());
    assert.match(made.dir, new RegExp(`/watchdog-cmd-${readPidNamespace()}-${process.pid}-[0-9a-f]{8}$`));
    assert.deepEqual(made.members(), []);
    made.release();
    assert.equal(existsSync(made.dir), false);
  });

  it('removes an empty cgroup a SIGKILLed watchdog of this namespace left, and no other', (t) => {
    const home = findOwnCgroupFolder();
    const namespace = readPidNamespace();
    if (home === undefined || namespace === undefined || !existsSync(join(home, 'cgroup.procs'))) {
      t.skip('no cgroup2 file system here');
      return;
    }
    // PIDs above the kernel's largest possible PID (2^22): surely gone.
    const gone = String(2 ** 22 + 12345);
    const abandoned = join(home, `watchdog-cmd-${namespace}-${gone}-0badc0de`);
    const otherNamespace = join(home, `watchdog-cmd-1-${gone}-0badc0de`);
    const live = join(home, `watchdog-cmd-${namespace}-${process.pid}-0badc0de`);
    for (const dir of [abandoned, otherNamespace, live]) {
      mkdirSync(dir);
      onCleanup(() => {
        if (existsSync(dir)) rmdirSync(dir);
      });
    }
    const made = createCommandCgroup();
    if ('dir' in made) made.release();
    assert.deepEqual(
      [abandoned, otherNamespace, live].map((dir) => existsSync(dir)),
      [false, true, true],
    );
  });

  it('thaws, kills and removes a populated cgroup a SIGKILLed watchdog left frozen', async (t) => {
    const home = findOwnCgroupFolder();
    const namespace = readPidNamespace();
    if (home === undefined || namespace === undefined || !existsSync(join(home, 'cgroup.procs'))) {
      t.skip('no cgroup2 file system here');
      return;
    }
    const abandoned = join(home, `watchdog-cmd-${namespace}-${2 ** 22 + 12346}-0badc0de`);
    mkdirSync(abandoned);
    const child = spawn('sleep', ['300'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
    onCleanup(() => {
      child.kill('SIGKILL');
      if (existsSync(abandoned)) {
        writeFileSync(join(abandoned, 'cgroup.kill'), '1');
      }
    });
    writeFileSync(join(abandoned, 'cgroup.procs'), String(child.pid));
    writeFileSync(join(abandoned, 'cgroup.freeze'), '1');
    const made = createCommandCgroup();
    if ('dir' in made) made.release();
    assert.equal(await exited, 'SIGKILL', 'its member was killed (once thawed)');
    // The kill is asynchronous: the next run removes a cgroup still emptying.
    if (existsSync(abandoned)) {
      const next = createCommandCgroup();
      if ('dir' in next) next.release();
    }
    assert.equal(existsSync(abandoned) ? readFileSync(join(abandoned, 'cgroup.procs'), 'utf8') : 'removed', 'removed');
  });

  it("moves a member left behind back to its watchdog's cgroup, checking /proc shows it there first", async (t) => {
    const made = createCommandCgroup();
    if (!('dir' in made)) {
      t.skip(`no cgroup can be made here: ${made.reason}`);
      return;
    }
    onCleanup(() => made.release());
    const child = spawn('sleep', ['300'], { stdio: 'ignore' });
    onCleanup(() => child.kill('SIGKILL'));
    await new Promise((resolve) => child.once('spawn', resolve));
    writeFileSync(join(made.dir, 'cgroup.procs'), String(child.pid));
    assert.deepEqual(made.members(), [child.pid]);
    made.release();
    assert.equal(existsSync(made.dir), false, 'removed once emptied');
    assert.equal(
      readFileSync(`/proc/${child.pid}/cgroup`, 'utf8'),
      readFileSync('/proc/self/cgroup', 'utf8'),
      "back in the watchdog's cgroup",
    );
  });
});
