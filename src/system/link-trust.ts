import { formatMode, writableByOthers, type FileOwnership, type IsPrivateGroup } from './file-trust.js';

/** Whom the watchdog trusts with the paths it uses. */
export interface LinkTrust {
  /** The watchdog's own user: besides root, the only one trusted. */
  ownUid: number;
  isPrivateGroup: IsPrivateGroup;
}

/**
 * Why a symbolic link found in `folder` must not be followed, or `undefined` when it may
 * be. A link is as trustworthy as the folder it is in: whoever can write the folder can
 * replace the link (or put one where a folder was). So it is followed only in a folder of
 * root's or the watchdog's own user that nobody else can write; in a sticky folder that
 * others can write (`/tmp`), only when the link itself is root's or the watchdog's, since
 * the sticky bit keeps others from replacing an entry they do not own.
 */
export function mayFollowLinkIn(
  folder: FileOwnership,
  link: Pick<FileOwnership, 'uid'>,
  trust: LinkTrust,
): string | undefined {
  const trusted = (uid: number): boolean => uid === 0 || uid === trust.ownUid;
  if (!trusted(folder.uid)) return `a folder of user ${folder.uid}`;
  if (!writableByOthers(folder, trust.isPrivateGroup)) return undefined;
  const sticky = (folder.mode & 0o1000) !== 0;
  if (sticky && trusted(link.uid)) return undefined;
  return sticky
    ? `a folder others can write (mode ${formatMode(folder.mode)}), and the link is user ${link.uid}'s`
    : `a folder others can write (mode ${formatMode(folder.mode)})`;
}

/**
 * Why a folder is no place for a file the watchdog writes and later believes (its journal,
 * its log, its metrics), or `undefined` when it is: it must be root's or the watchdog's
 * user's, and writable by no one else, not even with the sticky bit (anyone could create
 * the file's name there first).
 */
export function trustedFolderRefusal(folder: FileOwnership, trust: LinkTrust): string | undefined {
  if (folder.uid !== 0 && folder.uid !== trust.ownUid) return `a folder of user ${folder.uid}`;
  if (writableByOthers(folder, trust.isPrivateGroup))
    return `a folder others can write (mode ${formatMode(folder.mode)})`;
  return undefined;
}
