import { WatchdogError, describeError, systemErrorCode } from '../errors.js';

/** The file better-sqlite3 loads, at the first database the process opens. */
const ADDON_FILE = 'better_sqlite3.node';

/**
 * The error to report when opening a database failed because SQLite itself could not be
 * loaded: better-sqlite3's native addon is missing, or was built for another Node.js (the
 * usual cause: Node.js upgraded under an installed watchdog). It is not the database's
 * fault, so the database's hints (its folder, its owner) would send the user the wrong way.
 * `undefined` for any other error.
 */
export function sqliteAddonFailure(error: unknown): WatchdogError | undefined {
  const code = systemErrorCode(error);
  if (code !== 'ERR_DLOPEN_FAILED' && code !== 'MODULE_NOT_FOUND') return undefined;
  if (!describeError(error).includes(ADDON_FILE)) return undefined;
  return new WatchdogError(
    'DB_UNUSABLE',
    `cannot load SQLite (better-sqlite3's native addon): ${describeError(error)}`,
    {
      hint: "rebuild it for the Node.js that runs the watchdog: `npm rebuild better-sqlite3` in the watchdog's install folder (needed after upgrading Node.js)",
      cause: error,
    },
  );
}
