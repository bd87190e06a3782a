import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RecoveryReport } from '../../src/recovery/run-recovery.js';
import { decideTickOutcome, type TickDecision, type TickEnd } from '../../src/tick/decide-tick-outcome.js';
import type { ProcessCheck } from '../../src/tick/process-check.js';
import { processCheck } from '../helpers/process-check.js';
import { recoveryReport } from '../helpers/recovery-report.js';
import { verdictOf } from '../helpers/verdicts.js';
import { networkTick, ranTick } from '../helpers/tick-outcome.js';

const failing = (key: string): ProcessCheck => processCheck({ key });
const healthy: ProcessCheck = {
  ...failing('api'),
  verdict: verdictOf('healthy'),
  consecutiveFailures: 0,
  recoveryDue: false,
};
/** The crash-loop guard gives up at this check. */
const givesUpNow: ProcessCheck = {
  ...failing('web'),
  verdict: verdictOf('gave_up'),
  recoveryDue: false,
  guard: { kind: 'give_up', reason: 'gave up: 3 recoveries within 60m 00s (max_recoveries 3)' },
};
/** Given up on at an earlier check: the app is still down. */
const givenUpBefore: ProcessCheck = {
  ...failing('web'),
  verdict: verdictOf('gave_up'),
  consecutiveFailures: 0,
  recoveryDue: false,
};
const backingOff: ProcessCheck = {
  ...failing('web'),
  recoveryDue: false,
  guard: { kind: 'backoff', untilMs: 0, reason: 'next recovery in 1m 00s' },
};

const network = networkTick;

const ran = ranTick;

const recovered: RecoveryReport = recoveryReport('web', 4, 'succeeded');
const failedRecovery: RecoveryReport = recoveryReport('web', 4, 'failed');
const interrupted = { signal: 'SIGTERM', where: 'during the recovery of web' };

describe('decideTickOutcome', () => {
  const table: [name: string, end: TickEnd, expected: TickDecision][] = [
    ['a tick with nothing wrong', ran(), { exit: 'ok', ping: 'success' }],
    // The store degraded at the tick's last write, after its problems were listed: the
    // metrics said the tick succeeded, and so do the exit code and the ping.
    [
      'problems listed before the store degraded at the last write',
      ran({ problems: [], auditDegraded: 'was replaced while the watchdog ran' }),
      { exit: 'ok', ping: 'success' },
    ],
    ['a failure below the threshold', ran({ checks: [failing('web')] }), { exit: 'ok', ping: 'success' }],
    ['a recovery that succeeded', ran({ recoveries: [recovered] }), { exit: 'ok', ping: 'success' }],
    ['a recovery that failed', ran({ recoveries: [failedRecovery] }), { exit: 'failed', ping: 'failure' }],
    ['the crash-loop guard gives up at this check', ran({ checks: [givesUpNow] }), { exit: 'failed', ping: 'failure' }],
    // Told to cron once, at the give-up; the monitoring service hears it every tick.
    ['a process given up on at an earlier check', ran({ checks: [givenUpBefore] }), { exit: 'ok', ping: 'failure' }],
    ['a recovery held back by its backoff', ran({ checks: [backingOff] }), { exit: 'ok', ping: 'success' }],
    ['a ladder run that failed', ran({ network: network('failed') }), { exit: 'failed', ping: 'failure' }],
    ['a ladder run that timed out', ran({ network: network('timed_out') }), { exit: 'failed', ping: 'failure' }],
    ['a ladder run that healed', ran({ network: network('healed') }), { exit: 'ok', ping: 'success' }],
    ['a network check without a ladder run', ran({ network: network(undefined) }), { exit: 'ok', ping: 'success' }],
    // The rows wait in the journal: the tick did its job (exit 0), the service hears of the disk.
    ['an audit database that cannot take rows', ran({ auditDegraded: 'is full' }), { exit: 'ok', ping: 'failure' }],
    ['a tick interrupted by a signal', ran({ interrupted }), { exit: 'failed', ping: 'none' }],
    [
      'a tick interrupted after a recovery failed (no ping: the next tick pings)',
      ran({ interrupted, recoveries: [failedRecovery] }),
      { exit: 'failed', ping: 'none' },
    ],
    [
      'a tick interrupted with the audit database degraded',
      ran({ interrupted, auditDegraded: 'is full' }),
      { exit: 'failed', ping: 'none' },
    ],
    [
      'given up before, with the audit database degraded',
      ran({ checks: [givenUpBefore], auditDegraded: 'is locked' }),
      { exit: 'ok', ping: 'failure' },
    ],
    [
      'everything at once',
      ran({
        checks: [givesUpNow, givenUpBefore, healthy],
        recoveries: [failedRecovery, recovered],
        network: network('failed'),
        auditDegraded: 'is locked',
      }),
      { exit: 'failed', ping: 'failure' },
    ],
    // The instance that holds the lock pings.
    [
      'another instance holds the lock',
      { kind: 'lock-held', lockPath: '/run/watchdog.lock' },
      { exit: 'ok', ping: 'none' },
    ],
    ['the tick threw', { kind: 'threw' }, { exit: 'error', ping: 'failure' }],
  ];
  for (const [name, end, expected] of table) {
    it(name, () => assert.deepEqual(decideTickOutcome(end), expected));
  }
});
