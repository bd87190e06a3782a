import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { systemErrorCode } from '../errors.js';
import { parseMountinfo } from './mountinfo.js';

/**
 * A cgroup (v2) made for one command the watchdog runs and waits for. Whatever the command
 * starts stays in it, whether it left the command's session, double-forked, or lost its
 * parent: a process leaves a cgroup only when someone with write access to cgroup files
 * moves it. So its members are the command's whole tree, and `kill()` ends all of them at
 * once (`cgroup.kill`, Linux 5.14), a process forking at that moment included.
 */
export interface CommandCgroup {
  /** The cgroup's folder in the cgroup2 file system. */
  readonly dir: string;
  /**
   * The argv that runs `argv` inside the cgroup: a shell that moves itself in (writing 0 to
   * `cgroup.procs`) and then execs it, so the command is in before it can fork. When the
   * move fails (the folder was removed), the command still runs: the process tree is followed.
   */
  wrap(argv: { file: string; args: readonly string[] }): { file: string; args: string[] };
  /** The PIDs in it now (as this PID namespace numbers them); none once it is removed. */
  members(): number[];
  /** Freezes (`cgroup.freeze` 1) or thaws (0) every member: a frozen process neither runs nor forks. */
  freeze(frozen: boolean): void;
  /** SIGKILL to every member, atomically. */
  kill(): void;
  /**
   * Moves what is left (a daemon the command left behind on purpose) back to the
   * watchdog's own cgroup, where it would have been without this one, and removes it.
   */
  release(): void;
}

/** Why no cgroup is used, when none is. */
export interface NoCgroup {
  reason: string;
}

/**
 * Names of the cgroups this makes: `watchdog-cmd-<PID namespace>-<watchdog PID>-<random>`. The
 * namespace (the inode of `/proc/self/ns/pid`) says which PID numbering the PID is in: cgroups
 * are shared by every PID namespace of the machine.
 */
const PREFIX = 'watchdog-cmd-';

/** Moves the shell into the cgroup, then becomes the command. */
const ENTER_SCRIPT = '{ echo 0 > "$1"; } 2>/dev/null; shift; exec "$@"';

export interface CommandCgroupOptions {
  /** Where procfs is mounted (default `/proc`): `self/mountinfo` and `self/cgroup` are read there. */
  procRoot?: string;
  /** The watchdog's PID (default `process.pid`), in the cgroup's name. */
  ownPid?: number;
}

/**
 * Makes a cgroup for one command below the watchdog's own cgroup v2 folder, or says why it
 * cannot: no cgroup2 file system mounted, the folder not writable (a container, a
 * read-only `/sys/fs/cgroup`), or a kernel without `cgroup.kill` (before 5.14).
 *
 * Under systemd the watchdog's own cgroup is its unit's (or cron.service's): systemd leaves
 * a sub-cgroup it did not make alone while the unit runs, and this one lives only as long
 * as the command. `Delegate=yes` (deploy/watchdog.service) makes that subtree the
 * watchdog's by systemd's own rules. Cgroups a SIGKILLed watchdog left are repaired and removed here.
 */
export function createCommandCgroup(options: CommandCgroupOptions = {}): CommandCgroup | NoCgroup {
  const { procRoot = '/proc', ownPid = process.pid } = options;
  let home: string | undefined;
  let dir: string;
  try {
    const own = findOwnCgroup(procRoot);
    if (own === undefined) return { reason: 'no cgroup2 file system holds the watchdog' };
    home = own.folder;
    const untrusted = untrustedCgroupFolder(own.folder, own.mountPoint);
    if (untrusted !== undefined) return { reason: untrusted };
    const namespace = readPidNamespace(procRoot);
    if (namespace === undefined) return { reason: 'the PID namespace cannot be told from /proc/self/ns/pid' };
    removeAbandoned(home, namespace, procRoot);
    dir = join(home, `${PREFIX}${namespace}-${ownPid}-${randomBytes(4).toString('hex')}`);
    mkdirSync(dir, { mode: 0o755 });
  } catch (error) {
    const code = systemErrorCode(error);
    if (code === undefined) throw error;
    return { reason: `cannot make a cgroup in ${home ?? 'the cgroup2 file system'} (${code})` };
  }
  if (!existsSync(join(dir, 'cgroup.kill'))) {
    removeQuietly(dir);
    return { reason: 'the kernel has no cgroup.kill (Linux 5.14)' };
  }
  const homeFolder = home;
  return {
    dir,
    wrap: (argv) => ({
      file: '/bin/sh',
      args: ['-c', ENTER_SCRIPT, 'watchdog-enter-cgroup', join(dir, 'cgroup.procs'), argv.file, ...argv.args],
    }),
    members: () => readMembers(dir),
    freeze: (frozen) => writeFileSync(join(dir, 'cgroup.freeze'), frozen ? '1' : '0'),
    kill: () => writeFileSync(join(dir, 'cgroup.kill'), '1'),
    release: () => {
      let left: number[] = [];
      try {
        left = readMembers(dir);
      } catch (error) {
        // The command is over: a cgroup that cannot be read is left for the next run to remove.
        if (systemErrorCode(error) === undefined) throw error;
      }
      for (const pid of left) moveQuietly(pid, dir, homeFolder, procRoot);
      removeQuietly(dir);
    },
  };
}

/** `cgroup.procs`, or none when the cgroup is gone. */
function readMembers(dir: string): number[] {
  let text: string;
  try {
    text = readFileSync(join(dir, 'cgroup.procs'), 'utf8');
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') return [];
    throw error;
  }
  // A member outside this PID namespace reads as 0.
  return text
    .split('\n')
    .filter((line) => /^\d+$/.test(line))
    .map(Number)
    .filter((pid) => pid > 0);
}

/**
 * The folder of the watchdog's own cgroup in the cgroup2 file system: its path from the
 * `0::` line of `/proc/self/cgroup`, below the mount point of a cgroup2 mount whose root
 * holds it (`/proc/self/mountinfo`).
 */
export function findOwnCgroupFolder(procRoot = '/proc'): string | undefined {
  return findOwnCgroup(procRoot)?.folder;
}

/** {@link findOwnCgroupFolder}, with the mount point of the cgroup2 file system that holds it. */
function findOwnCgroup(procRoot: string): { folder: string; mountPoint: string } | undefined {
  const own = /^0::(\/.*)$/m.exec(readFileSync(join(procRoot, 'self/cgroup'), 'utf8'))?.[1];
  if (own === undefined) return undefined;
  for (const mount of parseMountinfo(readFileSync(join(procRoot, 'self/mountinfo'), 'utf8'))) {
    if (mount.fsType !== 'cgroup2') continue;
    const { root, mountPoint: point } = mount;
    // resolve, not join: the root cgroup's path `/` must not leave a trailing slash.
    if (root === '/') return { folder: resolve(point, `.${own}`), mountPoint: resolve(point) };
    if (own === root || own.startsWith(`${root}/`))
      return { folder: resolve(point, `.${own.slice(root.length)}`), mountPoint: resolve(point) };
  }
  return undefined;
}

/**
 * Why the cgroup folders from `folder` up to the mount point cannot be trusted, if they
 * cannot: one owned by a user other than root (a `sudo watchdog` inside a user's
 * `user@.service` subtree), or writable by its group or others. Whoever can write there
 * can move processes in and out of the command's cgroup, so its members would not be the
 * command's tree: a process that user moved in would be signalled.
 */
function untrustedCgroupFolder(folder: string, mountPoint: string): string | undefined {
  for (let dir = folder; ; dir = dirname(dir)) {
    const stats = statSync(dir);
    if (stats.uid !== 0)
      return `${dir} is owned by uid ${stats.uid}, not root: that user could move processes into the command's cgroup`;
    if ((stats.mode & 0o022) !== 0)
      return `${dir} is writable by its group or others: they could move processes into the command's cgroup`;
    if (dir === mountPoint || dir === dirname(dir)) return undefined;
  }
}

/**
 * Repairs and removes the cgroups that watchdogs of this PID namespace left when they were
 * SIGKILLed mid-command (their PID is gone): a command that outlived its watchdog, perhaps
 * frozen for good in the middle of being stopped. Each is thawed, what is in it killed
 * (`cgroup.kill`: its watchdog was waiting for it or stopping it, and no one waits now), and
 * removed; one whose members are still dying stays (EBUSY) for the next run. Those of other
 * namespaces are left alone: their PIDs cannot be looked up from here.
 */
function removeAbandoned(home: string, namespace: string, procRoot: string): void {
  for (const name of readdirSync(home)) {
    const [, ns, owner] = new RegExp(`^${PREFIX}(\\d+)-(\\d+)-[0-9a-f]+$`).exec(name) ?? [];
    if (ns !== namespace || owner === undefined || existsSync(join(procRoot, owner))) continue;
    const dir = join(home, name);
    if (readMembers(dir).length > 0) {
      writeQuietly(join(dir, 'cgroup.freeze'), '0');
      writeQuietly(join(dir, 'cgroup.kill'), '1');
    }
    removeQuietly(dir);
  }
}

function writeQuietly(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    // ENOENT: removed meanwhile (or a kernel without the file); the rmdir that follows says the rest.
    if (systemErrorCode(error) === undefined) throw error;
  }
}

/** The inode number of this process's PID namespace (`pid:[4026531836]` → `4026531836`). */
export function readPidNamespace(procRoot = '/proc'): string | undefined {
  return /^pid:\[(\d+)\]$/.exec(readlinkSync(join(procRoot, 'self/ns/pid')))?.[1];
}

function removeQuietly(dir: string): void {
  try {
    rmdirSync(dir);
  } catch (error) {
    // EBUSY: still populated; ENOENT: already gone. Either way nothing more to do here.
    if (systemErrorCode(error) === undefined) throw error;
  }
}

/**
 * Moves `pid` from the command's cgroup `dir` to the watchdog's, only while `/proc` still
 * shows it in `dir`: a member that exited since `cgroup.procs` was read may have left its
 * PID to a stranger, which must not be moved (its cgroup may limit or account it).
 */
function moveQuietly(pid: number, dir: string, homeFolder: string, procRoot: string): void {
  try {
    if (!isIn(pid, dir, procRoot)) return;
    writeFileSync(join(homeFolder, 'cgroup.procs'), String(pid));
  } catch (error) {
    // ESRCH: it exited meanwhile.
    if (systemErrorCode(error) === undefined) throw error;
  }
}

/** Whether `/proc/PID/cgroup` names the cgroup folder `dir` (its path below the mount ends the folder's). */
function isIn(pid: number, dir: string, procRoot: string): boolean {
  let text: string;
  try {
    text = readFileSync(join(procRoot, String(pid), 'cgroup'), 'utf8');
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT' || systemErrorCode(error) === 'ESRCH') return false;
    throw error;
  }
  const path = /^0::(\/.*)$/m.exec(text)?.[1];
  return path !== undefined && path !== '/' && dir.endsWith(path);
}
