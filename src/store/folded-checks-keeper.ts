import { describeError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import {
  flushFoldedChecks,
  foldedGenerationOf,
  noFoldedChecks,
  readFoldedChecks,
  removeFoldedChecks,
  writeFoldedChecks,
  type FoldedChecks,
  type FoldedRun,
} from './folded-checks.js';
import type { Store } from './open-store.js';

/** The runs of unchanged checks of one run of the watchdog, in memory and in their file (src/store/folded-checks.ts). */
export interface FoldedChecksKeeper {
  /** The runs waiting now. */
  readonly folded: FoldedChecks;
  /**
   * Sets these keys' runs and writes the file. `false` when the file cannot be written:
   * nothing changed, and the checks must go to the database as rows.
   */
  fold(runs: Readonly<Record<string, FoldedRun>>): boolean;
  /** Keeps when the last tick without a failure ended; `false` when the file cannot be written (write it to the database). */
  noteGoodTick(at: string): boolean;
  /**
   * Writes the waiting runs into `db`, in the caller's transaction; returns what to call
   * once that transaction is committed (the file is then removed), or `undefined` when
   * nothing waits.
   */
  flushInto(db: Store): (() => void) | undefined;
}

/** Reads the runs left for the database `db` (at `dbPath`) by earlier runs, from `path`. */
export function keepFoldedChecks(path: string, dbPath: string, db: Store, logger: Logger): FoldedChecksKeeper {
  let folded = readFoldedChecks(path, dbPath, foldedGenerationOf(db));
  const save = (next: FoldedChecks): boolean => {
    try {
      writeFoldedChecks(path, next);
    } catch (error) {
      logger.debug(
        `cannot keep unchanged checks in ${path} (${describeError(error)}); they are written to the database`,
      );
      return false;
    }
    folded = next;
    return true;
  };
  return {
    get folded() {
      return folded;
    },
    fold(runs) {
      return save({ ...folded, runs: { ...folded.runs, ...runs } });
    },
    noteGoodTick(at) {
      return save({ ...folded, goodTickAt: at });
    },
    flushInto(db) {
      if (Object.keys(folded.runs).length === 0 && folded.goodTickAt === undefined) return undefined;
      const flushed = folded;
      flushFoldedChecks(db, flushed);
      return () => {
        folded = noFoldedChecks(dbPath, flushed.generation + 1);
        try {
          removeFoldedChecks(path);
        } catch (error) {
          // Its generation is behind the database's now: the next run ignores it.
          logger.debug(`cannot remove ${path} after writing its checks: ${describeError(error)}`);
        }
      };
    },
  };
}
