import { readFileSync } from 'node:fs';

/** A user account as the watchdog needs it to check ownership and run commands. */
export interface UserAccount {
  name: string;
  uid: number;
  /** The primary group. */
  gid: number;
  home: string;
}

/** Finds a user by name; `undefined` when there is none. */
export type LookupUser = (name: string) => UserAccount | undefined;

/**
 * Parses passwd(5) text and finds `name` in it. Malformed lines are skipped: one bad
 * line must not hide every other account.
 *
 * @example
 * findUserInPasswd('app:x:1000:1000::/home/app:/bin/sh\n', 'app'); // { name: 'app', uid: 1000, gid: 1000, home: '/home/app' }
 */
export function findUserInPasswd(text: string, name: string): UserAccount | undefined {
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields.length < 7 || fields[0] !== name) continue;
    const [, , uidText = '', gidText = '', , home = ''] = fields;
    if (!/^\d+$/.test(uidText) || !/^\d+$/.test(gidText)) continue;
    return { name, uid: Number(uidText), gid: Number(gidText), home: home === '' ? '/' : home };
  }
  return undefined;
}

/**
 * Looks users up in `/etc/passwd` (the accounts of a small device live there; a user
 * known only to LDAP or NSS modules is not found).
 */
export function passwdLookup(passwdPath = '/etc/passwd'): LookupUser {
  let text: string | undefined;
  return (name) => {
    text ??= readFileSync(passwdPath, 'utf8');
    return findUserInPasswd(text, name);
  };
}
