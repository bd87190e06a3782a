import { readFileSync } from 'node:fs';

/** What a file's permissions say about who may write it. */
export interface FileOwnership {
  mode: number;
  uid: number;
  gid: number;
}

/** Whether group `gid` is the private group of user `uid`: no one else is in it. */
export type IsPrivateGroup = (gid: number, uid: number) => boolean;

/**
 * Whether users other than the file's owner may write it: it is writable by others, or by
 * a group that is not the owner's private group. Debian and Ubuntu give each user a group
 * of their own and a umask of 002, so files are `0664`; group write by such a group is
 * still only the owner.
 */
export function writableByOthers(file: FileOwnership, isPrivateGroup: IsPrivateGroup): boolean {
  if ((file.mode & 0o002) !== 0) return true;
  return (file.mode & 0o020) !== 0 && !isPrivateGroup(file.gid, file.uid);
}

/** `0664` for a mode. */
export function formatMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

/**
 * Decides private groups from group(5) and passwd(5) text: the group has no listed members
 * other than the user, it is the user's primary group, and no other account has it as
 * its primary group.
 */
export function privateGroupIn(groupText: string, passwdText: string): IsPrivateGroup {
  const accounts = passwdText
    .split('\n')
    .map((line) => line.split(':'))
    .filter((fields) => fields.length >= 7 && /^\d+$/.test(fields[2] ?? '') && /^\d+$/.test(fields[3] ?? ''))
    .map((fields) => ({ name: fields[0] ?? '', uid: Number(fields[2]), gid: Number(fields[3]) }));
  const groups = new Map(
    groupText
      .split('\n')
      .map((line) => line.split(':'))
      .filter((fields) => fields.length >= 4 && /^\d+$/.test(fields[2] ?? ''))
      .map((fields) => [Number(fields[2]), (fields[3] ?? '').split(',').filter((member) => member !== '')] as const),
  );
  return (gid, uid) => {
    const owner = accounts.find((account) => account.uid === uid);
    const members = groups.get(gid);
    if (owner === undefined || members === undefined || owner.gid !== gid) return false;
    if (members.some((member) => member !== owner.name)) return false;
    return accounts.every((account) => account.gid !== gid || account.uid === uid);
  };
}

/** Private groups as this machine's `/etc/group` and `/etc/passwd` say; read once, when first asked. Unreadable files: no group is private. */
export function systemPrivateGroups(groupPath = '/etc/group', passwdPath = '/etc/passwd'): IsPrivateGroup {
  let decide: IsPrivateGroup | undefined;
  return (gid, uid) => {
    if (decide === undefined) {
      try {
        decide = privateGroupIn(readFileSync(groupPath, 'utf8'), readFileSync(passwdPath, 'utf8'));
      } catch {
        decide = () => false;
      }
    }
    return decide(gid, uid);
  };
}
