import type { FoldedChecks, FoldedRun } from './folded-checks.js';
import type { Store } from './open-store.js';

/** How code that records things reaches the audit log: reads from `db`, writes through `write`. */
export interface AuditWriter {
  /** The connection to read from (it may change when the database stops taking writes). */
  readonly db: Store;
  /** Runs `write` in one transaction, on whatever connection can take it. */
  write<T>(write: (db: Store) => T): T;
  /** `false` when what was written is only in memory (neither the database nor the journal took it); absent: always kept. */
  readonly rowsSaved?: boolean;
  /** Unchanged checks waiting in memory (src/store/folded-checks.ts); absent or `undefined`: none may wait. */
  readonly folded?: FoldedChecks | undefined;
  /** Sets these keys' waiting runs; `false`: they cannot wait, record the checks as rows. */
  fold?(runs: Readonly<Record<string, FoldedRun>>): boolean;
  /** Writes the waiting runs into the database now. */
  flushFolded?(): void;
  /** Keeps when the last good tick ended in memory, beside the runs; `false` (or absent): write it to the database. */
  noteGoodTick?(at: string): boolean;
}

/** Writes straight to `db`, each write its own transaction: for a database known to be writable. */
export function directWriter(db: Store): AuditWriter {
  return { db, write: (write) => db.transaction(() => write(db)).immediate() };
}
