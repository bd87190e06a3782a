// The hostile-user section's world: a fault world (tests/faults/fault-scenario.ts: a fresh
// folder, a PID namespace with a bystander, the built watchdog run inside it as root) with
// two real unprivileged users in it. The hostile one owns a folder the watchdog reads or
// writes in (the app's heartbeat, its output log) and plants links, folders and files
// there as itself; the other one owns a folder and an app of its own that the hostile one
// would like root to act on. Their processes run inside the namespace, so whatever a bug
// signals, it only reaches what the case started.
//
// The case's folder is made traversable (0711, still writable by root alone), so the users
// reach their own folders in it; the watchdog's state (config, database, logs) stays in
// root's own folders. A private tmpfs in the namespace's mount namespace (the vault) holds
// root-only secrets that a link may point at: the machine never sees it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, copyFileSync, lstatSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSentinelRecord, SENTINEL, type NsRunResult, type NsProcessState } from '../helpers/pid-namespace.js';
import { WATCHDOG_BIN } from '../helpers/run-watchdog.js';
import { asUser, createThrowawayUser, type SystemUser } from '../helpers/throwaway-users.js';
import { waitFor } from '../helpers/watchdog-in-namespace.js';
import { describeRun, startFaultWorld, type FaultWorld } from './fault-scenario.js';

/** One of the two users, with their folder and the things they do, each run as them inside the namespace. */
export interface UserSide {
  user: SystemUser;
  /** `<case folder>/<role>`: made by root for them, as useradd makes a home; theirs, mode 0755. */
  home: string;
  /** Runs argv as the user (umask of the namespace's host, in `home`); rejects unless it exits 0. */
  run(argv: readonly string[]): Promise<NsRunResult>;
  /** Runs `sh -c script` as the user (umask 022, in `home`), `args` as `$1`...; rejects unless it exits 0. */
  sh(script: string, ...args: string[]): Promise<NsRunResult>;
  /** `mkdir -p PATH` as the user. */
  mkdir(path: string): Promise<void>;
  /** `ln -s TARGET PATH` as the user: the link is theirs. */
  symlink(target: string, path: string): Promise<void>;
  /** `mv -T FROM TO` as the user. */
  move(from: string, to: string): Promise<void>;
  /** Writes the bytes to PATH as the user (created 0644, or truncated). */
  writeFile(path: string, contents: string | Buffer): Promise<void>;
  /** Starts a sentinel (it records every signal it gets) as the user, leading its own process group. */
  startApp(name: string): Promise<UserApp>;
}

/** A user's app: a sentinel running as that user inside the namespace. */
export interface UserApp {
  name: string;
  pid: number;
  user: SystemUser;
  /** Where it writes "ready" and then the name of every signal it gets (in its user's folder). */
  recordFile: string;
}

export interface HostileWorld extends FaultWorld {
  hostile: UserSide;
  other: UserSide;
  /** The kernel's link protections on this machine, as the cases note them. */
  kernel: { protectedSymlinks: string; protectedHardlinks: string };
}

/**
 * A fault world with two throwaway users, `hostile` and `other`, each with a folder of
 * their own in the case's folder. Users are made before the namespace, so everything they
 * run is gone before they are removed.
 */
export async function startHostileWorld(prefix: string): Promise<HostileWorld> {
  const hostileUser = await createThrowawayUser('hostile');
  const otherUser = await createThrowawayUser('other');
  const world = await startFaultWorld(prefix);
  // Others may pass through, not list or write: root's files here stay root's.
  chmodSync(world.dir, 0o711);
  // The apps' code where any user can read it (the checkout may sit in a folder they cannot enter).
  const bin = join(world.dir, 'bin');
  mkdirSync(bin, { mode: 0o755 });
  chmodSync(bin, 0o755);
  const sentinel = join(bin, 'sentinel.mjs');
  copyFileSync(SENTINEL, sentinel);
  chmodSync(sentinel, 0o644);
  const hostile = userSide(world, hostileUser, 'hostile', sentinel);
  const other = userSide(world, otherUser, 'other', sentinel);
  const node = await world.ns.run([...asUser(hostileUser), process.execPath, '--version'], { cwd: '/' });
  assert.equal(node.code, 0, `precondition: ${process.execPath} runs as an unprivileged user (${describeRun(node)})`);
  return { ...world, hostile, other, kernel: kernelLinkProtection() };
}

function userSide(world: FaultWorld, user: SystemUser, role: string, sentinel: string): UserSide {
  const home = join(world.dir, role);
  mkdirSync(home, { mode: 0o755 });
  chownSync(home, user.uid, user.gid);
  chmodSync(home, 0o755);
  const run = async (argv: readonly string[]): Promise<NsRunResult> => {
    const result = await world.ns.run([...asUser(user), ...argv], { cwd: home });
    if (result.code !== 0) throw new Error(`as ${user.name}: ${argv.join(' ')}: ${describeRun(result)}`);
    return result;
  };
  const sh = (script: string, ...args: string[]): Promise<NsRunResult> =>
    run(['/bin/sh', '-c', `umask 022\n${script}`, 'sh', ...args]);
  return {
    user,
    home,
    run,
    sh,
    mkdir: async (path) => void (await sh('mkdir -p -- "$1"', path)),
    symlink: async (target, path) => void (await sh('ln -s -- "$1" "$2"', target, path)),
    move: async (from, to) => void (await sh('mv -T -- "$1" "$2"', from, to)),
    // Through base64, so any bytes (NUL included) pass the command line.
    writeFile: async (path, contents) =>
      void (await sh('printf %s "$2" | base64 -d > "$1"', path, Buffer.from(contents).toString('base64'))),
    startApp: async (name) => {
      const recordFile = join(home, `${name}.signals`);
      const pid = await world.ns.spawn([...asUser(user), process.execPath, sentinel, recordFile], {
        cwd: home,
        detached: true,
      });
      await waitFor(`${name} (PID ${pid}, as ${user.name}) to be ready`, () =>
        readSentinelRecord(recordFile).includes('ready'),
      );
      return { name, pid, user, recordFile };
    },
  };
}

/** Runs `watchdog ARGS -c CONFIG` inside the world's namespace with a config other than the world's own, from `/` as cron does. */
export function watchdogWith(world: FaultWorld, configPath: string): (args: readonly string[]) => Promise<NsRunResult> {
  return (args) => world.ns.run([process.execPath, WATCHDOG_BIN, ...args, '-c', configPath], { cwd: '/' });
}

/** What an app of a user saw: its state and the signals it got. */
export interface AppReport {
  state: NsProcessState;
  signals: string[];
}

export async function appReport(world: FaultWorld, app: UserApp): Promise<AppReport> {
  return {
    state: await world.ns.state(app.pid),
    signals: readSentinelRecord(app.recordFile).filter((line) => line !== 'ready'),
  };
}

/** `the other user's app alive (signals: none)`, for the Observed column. */
export function describeApp(label: string, report: AppReport): string {
  return `${label} ${report.state} (signals: ${report.signals.join(',') || 'none'})`;
}

/** Asserts that an app nobody may touch was not signalled and still runs. */
export function assertAppUntouched(label: string, report: AppReport): void {
  assert.deepEqual(report, { state: 'alive', signals: [] }, `${label} was not signalled and is alive`);
}

/** `protected_symlinks` and `protected_hardlinks` from /proc/sys/fs (read, never changed). */
export function kernelLinkProtection(): HostileWorld['kernel'] {
  const read = (name: string): string => {
    try {
      return readFileSync(`/proc/sys/fs/${name}`, 'utf8').trim();
    } catch {
      return 'unknown';
    }
  };
  return { protectedSymlinks: read('protected_symlinks'), protectedHardlinks: read('protected_hardlinks') };
}

/** `fs.protected_symlinks=0, fs.protected_hardlinks=1`, for the Observed column. */
export function describeKernel(world: Pick<HostileWorld, 'kernel'>): string {
  return `kernel fs.protected_symlinks=${world.kernel.protectedSymlinks}, fs.protected_hardlinks=${world.kernel.protectedHardlinks}`;
}

/**
 * A root-only folder on a private tmpfs (mode 0700, in the namespace's mount namespace),
 * holding secrets (files mode 0600) and folders (mode 0700) that a hostile link may point at.
 */
export interface Vault {
  dir: string;
  /**
   * Writes a root-only file of a random secret line, repeated to 8 KiB (so any read of it,
   * from whatever offset, takes some of it); returns its path and that line.
   */
  addSecret(name: string): Promise<{ path: string; content: string }>;
  /** Makes an empty root-only folder in the vault; returns its path. */
  addFolder(name: string): Promise<string>;
  /** Every entry under `name` (a file or folder of the vault) with its type, mode, owner and SHA-256, one line each. */
  snapshot(name: string): Promise<string[]>;
}

export async function mountVault(world: FaultWorld): Promise<Vault> {
  const dir = join(world.dir, 'vault');
  const inside = async (script: string, ...args: string[]): Promise<string> => {
    const result = await world.ns.run(['/bin/sh', '-c', script, 'sh', ...args], { cwd: '/' });
    if (result.code !== 0) throw new Error(`in the namespace: \`${script}\`: ${describeRun(result)}`);
    return result.stdout;
  };
  // Mounted in the namespace's own mount namespace: the machine never sees it.
  await inside('mkdir -m 700 "$1" && mount -t tmpfs -o size=1m,mode=0700 watchdog-vault "$1"', dir);
  return {
    dir,
    addSecret: async (name) => {
      const path = join(dir, name);
      const content = `SECRET-${randomBytes(12).toString('hex')}`;
      await inside('umask 077 && for i in $(seq 256); do printf "%s\\n" "$2"; done > "$1"', path, content);
      return { path, content };
    },
    addFolder: async (name) => {
      const path = join(dir, name);
      await inside('mkdir -m 700 "$1"', path);
      return path;
    },
    snapshot: async (name) => {
      const listing = await inside(
        'cd "$1" && find "$2" | sort | while IFS= read -r f; do printf "%s %s " "$f" "$(stat -c "%F %a %u %s" -- "$f")"; if [ -f "$f" ] && [ ! -L "$f" ]; then sha256sum < "$f" | cut -c1-16; else echo -; fi; done',
        dir,
        name,
      );
      return listing.split('\n').filter((line) => line !== '');
    },
  };
}

/**
 * The files under `dir` (links not followed) whose bytes hold `needle`: where a secret
 * leaked to, if anywhere. A mount inside the namespace (the vault) is an empty folder here.
 */
export function filesHolding(dir: string, needle: string): string[] {
  const found: string[] = [];
  const bytes = Buffer.from(needle);
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const path = join(dir, name);
    let isFile = false;
    try {
      isFile = lstatSync(path).isFile();
    } catch {
      continue; // gone since it was listed
    }
    if (isFile && readFileSync(path).includes(bytes)) found.push(path);
  }
  return found.sort();
}

/** `text` with the case's folder written `<case>`: a report cell stays short and the same from run to run. */
export function inCase(world: Pick<FaultWorld, 'dir'>, text: string): string {
  return text.replaceAll(world.dir, '<case>');
}
