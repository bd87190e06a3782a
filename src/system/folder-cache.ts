import { fstatSync, type Stats } from 'node:fs';
import { closeFolder, type FolderHandle, type OpenFolderOptions } from './walk-path.js';

/** Folders kept open at most: well below any limit on descriptors. */
const MAX_FOLDERS = 64;

/** A folder reached, with its owner and mode as its descriptor saw them when reached. */
export interface ReachedFolder {
  folder: FolderHandle;
  stat: Stats;
}

/**
 * Folders reached once and kept open for one tick, which reads a heartbeat of every process:
 * many of them share a folder, and reaching it again for each costs three system calls
 * (1.7 ms of the 7 ms that 1000 heartbeats in one folder take to read here). Kept by path; what a
 * kept descriptor holds is the folder as it was when first reached, so a folder swapped
 * later in the tick is read as it was, as if the tick had read it first. At most
 * {@link MAX_FOLDERS} are kept; the rest are reached and closed each time.
 */
export class FolderCache {
  readonly #kept = new Map<string, ReachedFolder>();

  /**
   * The folder at `path`, reached by `reach` the first time; `release` is to be called when
   * done with it (it closes only a folder that was not kept).
   */
  get(
    path: string,
    options: OpenFolderOptions,
    reach: (path: string, options: OpenFolderOptions) => FolderHandle,
  ): ReachedFolder & { release: () => void } {
    const kept = this.#kept.get(path);
    if (kept !== undefined) return { ...kept, release: () => undefined };
    const folder = reach(path, options);
    let stat: Stats;
    try {
      stat = fstatSync(folder.fd);
    } catch (error) {
      closeFolder(folder);
      throw error;
    }
    if (this.#kept.size >= MAX_FOLDERS) return { folder, stat, release: () => closeFolder(folder) };
    this.#kept.set(path, { folder, stat });
    return { folder, stat, release: () => undefined };
  }

  /** Closes every kept folder. */
  close(): void {
    for (const { folder } of this.#kept.values()) closeFolder(folder);
    this.#kept.clear();
  }
}
