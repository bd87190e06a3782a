// The audit store's one state and every change of it, as a table of cases.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  liveModeOf,
  nextMode,
  ON_DATABASE,
  type AuditMode,
  type AuditModeEvent,
  type StandInMode,
} from '../../src/store/audit-store-mode.js';

const locked: AuditModeEvent = {
  kind: 'stand_in',
  reason: 'cannot be written (database is locked)',
  stateKnown: true,
  corrupt: false,
  droppedBefore: 3,
};
const corrupt: AuditModeEvent = {
  kind: 'stand_in',
  reason: 'is corrupt (database disk image is malformed)',
  stateKnown: false,
  corrupt: true,
  droppedBefore: 0,
};
const standIn = (fields: Partial<StandInMode> = {}): StandInMode => ({
  kind: 'stand_in',
  reason: 'cannot be written (database is locked)',
  stateKnown: true,
  journal: 'saved',
  file: 'keep',
  droppedBefore: 3,
  ...fields,
});

describe('nextMode', () => {
  const cases: { name: string; from: AuditMode; event: AuditModeEvent; to: AuditMode }[] = [
    {
      name: 'a fault on the database: a stand-in, journal saved so far, the file kept',
      from: ON_DATABASE,
      event: locked,
      to: standIn(),
    },
    {
      name: 'a corrupt database: the file is replaced at close, the state unknown when nothing was salvaged',
      from: ON_DATABASE,
      event: corrupt,
      to: standIn({
        reason: 'is corrupt (database disk image is malformed)',
        stateKnown: false,
        file: 'replace',
        droppedBefore: 0,
      }),
    },
    {
      name: 'a second fault while standing in changes nothing: the first reason stands',
      from: standIn(),
      event: corrupt,
      to: standIn(),
    },
    {
      name: 'the journal cannot be written: rows unsaved',
      from: standIn(),
      event: { kind: 'journal_failed' },
      to: standIn({ journal: 'unsaved' }),
    },
    {
      name: 'the journal written again: rows saved',
      from: standIn({ journal: 'unsaved' }),
      event: { kind: 'journal_saved' },
      to: standIn(),
    },
    {
      name: 'journal events on the database change nothing',
      from: ON_DATABASE,
      event: { kind: 'journal_failed' },
      to: ON_DATABASE,
    },
    {
      name: 'closing the database keeps what it was',
      from: ON_DATABASE,
      event: { kind: 'close' },
      to: { kind: 'closed', last: ON_DATABASE },
    },
    {
      name: 'closing a stand-in keeps whether its rows were saved',
      from: standIn({ journal: 'unsaved' }),
      event: { kind: 'close' },
      to: { kind: 'closed', last: standIn({ journal: 'unsaved' }) },
    },
    {
      name: 'closed is final: a fault after close changes nothing',
      from: { kind: 'closed', last: ON_DATABASE },
      event: locked,
      to: { kind: 'closed', last: ON_DATABASE },
    },
    {
      name: 'closed is final: a second close changes nothing',
      from: { kind: 'closed', last: standIn() },
      event: { kind: 'close' },
      to: { kind: 'closed', last: standIn() },
    },
  ];
  for (const { name, from, event, to } of cases) {
    it(name, () => {
      assert.deepEqual(nextMode(from, event), to);
    });
  }

  it('liveModeOf: the mode itself, or the last one once closed', () => {
    assert.deepEqual(liveModeOf(standIn()), standIn());
    assert.deepEqual(
      liveModeOf({ kind: 'closed', last: standIn({ journal: 'unsaved' }) }),
      standIn({ journal: 'unsaved' }),
    );
  });
});
