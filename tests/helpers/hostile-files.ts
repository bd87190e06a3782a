// A world for the file operations a watchdog running as root performs where others may
// reach: a 0755 folder holding a root-only secret, and a folder given to another user
// (65534, nobody) for real when the tests run as root, as CI runs them.
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LinkTrust } from '../../src/system/link-trust.js';
import { makeTempDir } from './temp-dir.js';

export const ROOT = process.geteuid?.() === 0;
/** For `it`: skips a case that gives files to another user when not root. */
export const NEEDS_ROOT = { skip: !ROOT && 'gives files to another user: needs root' };
/** The other user: nobody. */
export const OTHER_UID = 65534;
/** Root and this process's user trusted; no group is private. */
export const TEST_TRUST: LinkTrust = { ownUid: process.geteuid?.() ?? 0, isPrivateGroup: () => false };
export const SECRET = 'root-only secret 7f3a\n';

/** `dir` (0755), `secret` (a 0600 file of root's in it), `theirs` (a folder of the other user's in it). */
export function hostileWorld(): { dir: string; secret: string; theirs: string } {
  const dir = makeTempDir('watchdog-safe-files-');
  chmodSync(dir, 0o755);
  const secret = join(dir, 'secret');
  writeFileSync(secret, SECRET, { mode: 0o600 });
  const theirs = join(dir, 'theirs');
  mkdirSync(theirs);
  if (ROOT) chownSync(theirs, OTHER_UID, OTHER_UID);
  return { dir, secret, theirs };
}
