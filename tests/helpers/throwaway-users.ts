// Real unprivileged users for tests that play a hostile app user against a watchdog run as
// root: a file such a user plants is theirs because they made it (not chown'd afterwards),
// and a process of theirs runs with their real and effective IDs, so the kernel's own rules
// (who may rename what, who may follow or hard-link what) apply as on a device.
//
// Each user is a throwaway system account (`useradd --system`, no home, no login shell)
// with a random name, removed with `userdel` when the test ends, failed or not. Its comment
// names the test process that made it, so an account left by a run that was SIGKILLed is
// removed by the next run that makes one (and only when that process is gone).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { onCleanup } from './cleanup.js';

/** A user account as a test needs it. */
export interface SystemUser {
  name: string;
  uid: number;
  /** The primary group (the user's own private group for a throwaway user). */
  gid: number;
}

/** Every throwaway user's name starts with this, its comment with {@link COMMENT_PREFIX}. */
const NAME_PREFIX = 'watchdog-';
const COMMENT_PREFIX = 'watchdog fault suite, made by pid ';
/**
 * useradd and userdel fail at once when another one holds /etc/passwd's lock, and userdel
 * while a process of the user is still being torn down: try again for this long.
 */
const LOCK_RETRY_MS = 10_000;

let leftoversRemoved = false;

/**
 * Makes a system user `watchdog-<role>-<8 hex digits>` with a private group of the same
 * name, and removes both when the current test ends. Create users before the PID
 * namespace whose processes run as them: cleanup runs in reverse order, so the namespace
 * (and every process of the user) is gone before `userdel` runs. Needs root.
 *
 * @example
 * const hostile = await createThrowawayUser('hostile');
 * await ns.run([...asUser(hostile), 'ln', '-s', target, link]);
 */
export async function createThrowawayUser(role: string): Promise<SystemUser> {
  if (!/^[a-z][a-z0-9]{0,13}$/.test(role))
    throw new Error(`a role is a short lower-case word, not ${JSON.stringify(role)}`);
  if (!leftoversRemoved) {
    leftoversRemoved = true;
    await removeLeftoverUsers();
  }
  const name = `${NAME_PREFIX}${role}-${randomBytes(4).toString('hex')}`;
  await runAccountTool('useradd', [
    '--system',
    '--no-create-home',
    '--home-dir',
    '/nonexistent',
    '--shell',
    '/usr/sbin/nologin',
    '--user-group',
    '--comment',
    `${COMMENT_PREFIX}${process.pid}`,
    name,
  ]);
  onCleanup(() => runAccountTool('userdel', [name]));
  const user = findUser(name);
  if (user === undefined) throw new Error(`useradd made ${name}, but /etc/passwd does not list it`);
  return user;
}

/** The account `name` from /etc/passwd (`nobody`, say); `undefined` when there is none. */
export function findUser(name: string): SystemUser | undefined {
  for (const fields of passwdEntries()) {
    if (fields[0] === name) return { name, uid: Number(fields[2]), gid: Number(fields[3]) };
  }
  return undefined;
}

/**
 * The words that run a command as `user`: real and effective user and group IDs, no
 * supplementary groups (root's would otherwise stay). Prepend them to an argv run inside
 * the PID namespace.
 */
export function asUser(user: SystemUser): string[] {
  return ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--'];
}

function passwdEntries(): string[][] {
  return readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .filter((fields) => fields.length >= 7 && /^\d+$/.test(fields[2] ?? '') && /^\d+$/.test(fields[3] ?? ''));
}

/** Removes throwaway users whose making test process is gone (a run killed before its cleanup). */
async function removeLeftoverUsers(): Promise<void> {
  for (const fields of passwdEntries()) {
    const [name = '', , , , comment = ''] = fields;
    if (!name.startsWith(NAME_PREFIX) || !comment.startsWith(COMMENT_PREFIX)) continue;
    const maker = comment.slice(COMMENT_PREFIX.length);
    if (!/^\d+$/.test(maker) || existsSync(`/proc/${maker}`)) continue;
    await runAccountTool('userdel', [name]);
  }
}

/** Runs useradd or userdel, trying again while the lock on /etc/passwd is held or the user's processes are still going. */
async function runAccountTool(tool: 'useradd' | 'userdel', args: string[]): Promise<void> {
  const deadline = Date.now() + LOCK_RETRY_MS;
  for (;;) {
    const result = spawnSync(tool, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (result.error !== undefined)
      throw new Error(`cannot run ${tool}: ${result.error.message}`, { cause: result.error });
    if (result.status === 0) return;
    const busy = /lock|try again|currently used/i.test(result.stderr);
    if (!busy || Date.now() > deadline)
      throw new Error(`${tool} ${args.join(' ')} exited ${String(result.status)}: ${result.stderr.trim()}`);
    await sleep(50 + Math.random() * 100);
  }
}
