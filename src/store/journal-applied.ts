import Database from 'better-sqlite3';
import { applyJournal, type Journal } from './journal.js';
import { asRollbackJournal, migrate, type Store } from './open-store.js';

/**
 * Reads `db` as it will be once it takes `journal`: from an in-memory copy with the
 * journal's rows written over it, as the stand-in of a degraded tick has them (and its
 * metrics count them). `db` itself is never written. `undefined`: the database cannot be
 * read, so the journal's rows alone.
 */
export function readWithJournal<T>(db: Store | undefined, journal: Journal, read: (db: Store) => T): T {
  const copy: Store = db === undefined ? new Database(':memory:') : new Database(asRollbackJournal(db.serialize()));
  try {
    migrate(copy);
    // A journal's rows may refer to rows of a database it was not made from.
    copy.pragma('foreign_keys = OFF');
    copy.transaction(() => applyJournal(copy, journal)).immediate();
    return read(copy);
  } finally {
    copy.close();
  }
}
