/**
 * The audit store's one state: on the database, standing in for it, or closed. Every
 * change of state is here, in `nextMode`, a plain function of the state and an event; the
 * store does what the state says (where a write goes, what `close` does with the file).
 */
export type AuditMode = DatabaseMode | StandInMode | ClosedMode;

/** Writes go to the database file. */
export interface DatabaseMode {
  kind: 'database';
}

/** Writes go to an in-memory stand-in, and from it to the journal, for the rest of the run. */
export interface StandInMode {
  kind: 'stand_in';
  /** Why the database is stood in for, as the log and the commands say it. */
  reason: string;
  /** Whether the stand-in knows who is off or given up on (from the database, the journal or a salvage). */
  stateKnown: boolean;
  /** Whether the journal holds every row the stand-in has taken. */
  journal: 'saved' | 'unsaved';
  /** What `close` does with the database file: `replace` when it was found corrupt. */
  file: 'keep' | 'replace';
  /** Check rows earlier degraded runs already had to leave out of the journal. */
  droppedBefore: number;
}

/** Closed: nothing more is written; what it was when closed still answers `degraded` and `rowsSaved`. */
export interface ClosedMode {
  kind: 'closed';
  last: DatabaseMode | StandInMode;
}

export type AuditModeEvent =
  /** The database failed (or cannot be opened) and a stand-in takes over. */
  | { kind: 'stand_in'; reason: string; stateKnown: boolean; corrupt: boolean; droppedBefore: number }
  /** The journal was written with every row of the stand-in. */
  | { kind: 'journal_saved' }
  /** The journal could not be written: the rows are in memory only. */
  | { kind: 'journal_failed' }
  | { kind: 'close' };

export const ON_DATABASE: DatabaseMode = { kind: 'database' };

/** The state after `event`. Events that do not apply to a state leave it as it is. */
export function nextMode(mode: AuditMode, event: AuditModeEvent): AuditMode {
  if (mode.kind === 'closed') return mode;
  switch (event.kind) {
    case 'stand_in':
      // One stand-in a run: once standing in, no write reaches the database to fail again.
      if (mode.kind === 'stand_in') return mode;
      return {
        kind: 'stand_in',
        reason: event.reason,
        stateKnown: event.stateKnown,
        journal: 'saved',
        file: event.corrupt ? 'replace' : 'keep',
        droppedBefore: event.droppedBefore,
      };
    case 'journal_saved':
    case 'journal_failed':
      if (mode.kind !== 'stand_in') return mode;
      return { ...mode, journal: event.kind === 'journal_saved' ? 'saved' : 'unsaved' };
    case 'close':
      return { kind: 'closed', last: mode };
  }
}

/** The state as the store's readers see it: the last one before closing, once closed. */
export function liveModeOf(mode: AuditMode): DatabaseMode | StandInMode {
  return mode.kind === 'closed' ? mode.last : mode;
}
