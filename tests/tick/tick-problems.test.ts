import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProcessCheck } from '../../src/tick/process-check.js';
import { tickProblems, type TickResults } from '../../src/tick/tick-problems.js';
import { processCheck } from '../helpers/process-check.js';
import { verdictOf } from '../helpers/verdicts.js';
import { recoveryReport } from '../helpers/recovery-report.js';
import { networkTick } from '../helpers/tick-outcome.js';

function check(key: string, guard: ProcessCheck['guard'] = undefined): ProcessCheck {
  return processCheck({ key, consecutiveFailures: 3, guard });
}

const network = networkTick;

const NOTHING: TickResults = { checks: [], recoveries: [], network: undefined, auditDegraded: undefined };

describe('tickProblems', () => {
  const table: [name: string, tick: Partial<TickResults>, expected: string[]][] = [
    ['a tick with nothing to do', {}, []],
    [
      'a recovery that succeeded (finding an app down and recovering it is the job)',
      { recoveries: [recoveryReport('web', 4, 'succeeded')] },
      [],
    ],
    ['a recovery that failed', { recoveries: [recoveryReport('web', 4, 'failed')] }, ['web: recovery #4 failed']],
    [
      'two failed recoveries among good ones, in order',
      {
        recoveries: [
          recoveryReport('web', 4, 'failed'),
          recoveryReport('db', 5, 'succeeded'),
          recoveryReport('cam', 6, 'failed'),
        ],
      },
      ['web: recovery #4 failed', 'cam: recovery #6 failed'],
    ],
    [
      'a process given up on',
      { checks: [check('web', { kind: 'give_up', reason: '3 recoveries within 60m 00s' })] },
      ['web: given up on'],
    ],
    [
      'a process still given up on, ticks after (the app stays down until a person acts)',
      { checks: [{ ...check('web', undefined), verdict: verdictOf('gave_up'), recoveryDue: false }] },
      ['web: given up on'],
    ],
    [
      'a recovery held back by the backoff',
      { checks: [check('web', { kind: 'backoff', untilMs: 0, reason: 'waits' })] },
      [],
    ],
    ['a check without a guard', { checks: [check('web')] }, []],
    ['a ladder that healed the link', { network: network('healed') }, []],
    [
      'a ladder run that failed',
      { network: network('failed') },
      ['network eth0: the ladder did not heal the link (failed)'],
    ],
    [
      'a ladder run that timed out',
      { network: network('timed_out') },
      ['network eth0: the ladder did not heal the link (timed_out)'],
    ],
    ['a network tick without a ladder run', { network: network(undefined) }, []],
    [
      'an audit log that could not be written',
      { auditDegraded: 'is full: rows wait in the journal' },
      ['the audit database is full: rows wait in the journal'],
    ],
    [
      'a tick a signal stopped',
      { interrupted: { signal: 'SIGTERM', where: 'during the recovery of web' } },
      ['interrupted by SIGTERM during the recovery of web'],
    ],
    [
      'everything at once, in a fixed order',
      {
        checks: [check('cam', { kind: 'give_up', reason: 'r' })],
        recoveries: [recoveryReport('web', 9, 'failed')],
        network: network('failed'),
        auditDegraded: 'is locked',
        interrupted: { signal: 'SIGINT', where: 'during the network check' },
      },
      [
        'web: recovery #9 failed',
        'cam: given up on',
        'network eth0: the ladder did not heal the link (failed)',
        'the audit database is locked',
        'interrupted by SIGINT during the network check',
      ],
    ],
  ];
  for (const [name, tick, expected] of table) {
    it(name, () => {
      assert.deepEqual(
        tickProblems({ ...NOTHING, ...tick }).map((problem) => problem.line),
        expected,
      );
    });
  }
});
