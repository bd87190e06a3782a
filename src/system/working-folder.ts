import { describeError, systemErrorCode } from '../errors.js';
import { PROCESS_LINK_TRUST, reachFolder } from './open-file-safely.js';
import type { LinkTrust } from './link-trust.js';
import { closeFolder, inFolder } from './walk-path.js';

/** A command's working folder, held open until the command has started in it. */
export type WorkingFolder = { cwd: string; close: () => void } | { error: string };

/**
 * The folder a command is to run in, reached without links others could have planted, as
 * a `cwd` that names the folder held (`/proc/self/fd/N`): the child enters it as root,
 * before it drops to the process's `user`, and once inside a folder the kernel no longer
 * asks whether the folders above may be searched. Entered by path, a folder an app's user
 * replaced with a link would let their command read below another user's private folder,
 * and a cleanup run as root would work in a folder of the app user's choosing.
 */
export function reachWorkingFolder(cwd: string, trust: LinkTrust = PROCESS_LINK_TRUST): WorkingFolder {
  try {
    const folder = reachFolder(cwd, { trust });
    return { cwd: inFolder(folder, '.'), close: () => closeFolder(folder) };
  } catch (error) {
    switch (systemErrorCode(error)) {
      case 'ENOENT':
        return { error: `the working folder ${cwd} does not exist` };
      case 'ENOTDIR':
        return { error: `the working folder ${cwd} is not a folder` };
      case 'EUNSAFEPATH':
        return { error: `the working folder ${cwd} is not trusted: ${describeError(error)}` };
      default:
        if (systemErrorCode(error) === undefined) throw error;
        return { error: `cannot enter the working folder ${cwd}: ${describeError(error)}` };
    }
  }
}
