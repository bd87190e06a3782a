import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideIncidentStep, type IncidentFacts } from '../../../src/notify/incident/decide-incident-step.js';

type Row = [string, Omit<IncidentFacts, 'details'> & { details?: IncidentFacts['details'] }, string];

const step = (facts: Row[1]): string => {
  const decided = decideIncidentStep({ details: {}, ...facts });
  return decided.kind === 'carry' && decided.recoveryId !== undefined
    ? `carry recovery=${String(decided.recoveryId)}`
    : decided.kind;
};

describe('decideIncidentStep', () => {
  const cases: Row[] = [
    // A process: the first event about a failure opens it.
    [
      'cron recovery opens',
      { kind: 'recovery_started', subject: 'process', open: false, details: { kind: 'recovery' } },
      'open',
    ],
    [
      'cron recovery in an incident: a new attempt, the last start did not heal',
      { kind: 'recovery_started', subject: 'process', open: true, details: { kind: 'recovery' } },
      'carry recovery=null',
    ],
    [
      "a person's restart of a working app opens nothing",
      { kind: 'recovery_started', subject: 'process', open: false, details: { kind: 'restart' } },
      'none',
    ],
    [
      "a person's restart in an incident carries it",
      { kind: 'recovery_started', subject: 'process', open: true, details: { kind: 'restart' } },
      'carry recovery=null',
    ],
    [
      'a failed recovery opens (a failed restart leaves the app down)',
      { kind: 'recovery_failed', subject: 'process', open: false },
      'open',
    ],
    [
      'a failed recovery forgets the last success',
      { kind: 'recovery_failed', subject: 'process', open: true },
      'carry recovery=null',
    ],
    ['a refusal opens', { kind: 'recovery_refused', subject: 'process', open: false }, 'open'],
    ['a give-up opens', { kind: 'gave_up', subject: 'process', open: false }, 'open'],
    ['a give-up in an incident carries it', { kind: 'gave_up', subject: 'process', open: true }, 'carry'],
    [
      'a success notes the recovery that healed',
      { kind: 'recovery_succeeded', subject: 'process', open: true, details: { recovery_id: 12 } },
      'carry recovery=12',
    ],
    [
      'a success outside an incident (a restart of a working app)',
      { kind: 'recovery_succeeded', subject: 'process', open: false, details: { recovery_id: 12 } },
      'none',
    ],
    [
      '`on` that started the app notes its start',
      { kind: 'process_on', subject: 'process', open: true, details: { recovery_id: 7 } },
      'carry recovery=7',
    ],
    ['`on` that started nothing carries', { kind: 'process_on', subject: 'process', open: true }, 'carry'],
    ['`on` outside an incident', { kind: 'process_on', subject: 'process', open: false }, 'none'],
    ['`off` closes: a person took over', { kind: 'process_off', subject: 'process', open: true }, 'close'],
    ['`off` outside an incident', { kind: 'process_off', subject: 'process', open: false }, 'none'],
    ['recovered closes', { kind: 'process_recovered', subject: 'process', open: true }, 'close'],
    [
      'recovered with nothing open is told already: dropped',
      { kind: 'process_recovered', subject: 'process', open: false },
      'drop',
    ],
    ['a reminder carries', { kind: 'process_still_down', subject: 'process', open: true }, 'carry'],
    ['a reminder of nothing open: dropped', { kind: 'process_still_down', subject: 'process', open: false }, 'drop'],
    [
      "a file system's alert-only pair has its own story",
      { kind: 'filesystem_failing', subject: 'process', open: false },
      'none',
    ],
    // An interface.
    ['degraded opens', { kind: 'network_degraded', subject: 'interface', open: false }, 'open'],
    ['degraded again in an outage carries', { kind: 'network_degraded', subject: 'interface', open: true }, 'carry'],
    ['healed closes', { kind: 'network_healed', subject: 'interface', open: true }, 'close'],
    [
      'healed of an outage from before incidents: told without an id',
      { kind: 'network_healed', subject: 'interface', open: false },
      'none',
    ],
    ['a reboot in the outage carries', { kind: 'reboot_done', subject: 'interface', open: true }, 'carry'],
    ['a suppressed reboot carries', { kind: 'reboot_suppressed', subject: 'interface', open: true }, 'carry'],
    ['a failed reboot outside an outage', { kind: 'reboot_failed', subject: 'interface', open: false }, 'none'],
    // A thermal zone has none.
    ['a zone has no incident', { kind: 'thermal_critical', subject: 'zone', open: false }, 'none'],
  ];
  for (const [name, facts, expected] of cases) {
    it(`${name}: ${expected}`, () => assert.equal(step(facts), expected));
  }
});
