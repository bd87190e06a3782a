import { checkIdentity, type ExpectedIdentity } from '../heartbeat/check-identity.js';
import { startedAtMs } from '../system/proc-stat.js';
import { observeIdentity } from '../system/observe-identity.js';
import type { System } from '../system/system.js';
import type { KillFacts } from './decide-kill.js';

/** What is known of the process to kill: from a heartbeat, the instance the watchdog started, or a match. */
export interface KillExpectation {
  heartbeatMs?: number | undefined;
  startTicks?: number | undefined;
  /** Checked against the live PID now (checkIdentity): start time, command line, user. */
  identity?: ExpectedIdentity | undefined;
}

/**
 * What the system says of `pid` now, for the kill guards ({@link decideKill}). The guards
 * that need no procfs come first there, so a hostile PID is not even read.
 *
 * @throws when procfs cannot be read (the kill then fails with why).
 */
export function killFactsNow(pid: number, expected: KillExpectation, system: System): KillFacts {
  const readable = Number.isSafeInteger(pid) && pid > 1;
  const stat = readable ? system.processes.stat(pid) : undefined;
  const bootTimeMs = stat === undefined ? undefined : system.processes.bootTimeMs();
  const identity =
    stat === undefined || expected.identity === undefined
      ? undefined
      : checkIdentity(pid, expected.identity, observeIdentity(system.processes, pid));
  return {
    liveness: readable ? system.processes.liveness(pid) : 'dead',
    processGroup: stat?.pgrp,
    startTime: stat?.startTime,
    startedAtMs: stat === undefined || bootTimeMs === undefined ? undefined : startedAtMs(stat, bootTimeMs),
    heartbeatMs: expected.heartbeatMs,
    expectedStartTicks: expected.startTicks,
    identityProblem: identity?.ok === false ? identity.reason : undefined,
    identityProven: identity?.ok === true && provesWriter(expected.identity, system.processes.bootId()),
    ownPid: system.ownPid,
    ownProcessGroup: system.ownProcessGroup,
    ancestors: system.ancestors(),
  };
}

/**
 * Whether a passed identity check proved the PID is the heartbeat's writer: its start time
 * was compared within the same boot (start times count from boot, so an app started early
 * at every boot has the same one each time; only the boot id tells those apart).
 */
function provesWriter(expected: ExpectedIdentity | undefined, bootId: string | undefined): boolean {
  return expected?.startTicks !== undefined && expected.bootId !== undefined && bootId !== undefined;
}
