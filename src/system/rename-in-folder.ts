import { renameSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { LinkTrust } from './link-trust.js';
import { PROCESS_LINK_TRUST, reachFolder } from './open-file-safely.js';
import { closeFolder, inFolder } from './walk-path.js';

/**
 * Renames a file to another name in the same folder, the folder reached without a symbolic
 * link that others could have planted: moving an app's old heartbeat aside must not move a
 * file in another app's folder. A link at either name is renamed or replaced as the link
 * itself, never followed (rename(2) does not follow the last component).
 *
 * @throws RangeError when the two names are not in one folder.
 * @throws {UnsafePathError} `EUNSAFEPATH` at such a link on the way; the system error of the rename.
 */
export function renameInFolder(from: string, to: string, trust: LinkTrust = PROCESS_LINK_TRUST): void {
  const folderPath = dirname(resolve(from));
  if (dirname(resolve(to)) !== folderPath) throw new RangeError(`${to} is not in the folder of ${from}`);
  const folder = reachFolder(folderPath, { trust });
  try {
    renameSync(inFolder(folder, basename(from)), inFolder(folder, basename(to)));
  } finally {
    closeFolder(folder);
  }
}
