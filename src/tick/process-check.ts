import type { ProcessConfig } from '../config/types.js';
import type { HealthVerdict } from '../heartbeat/classify-heartbeat.js';
import type { LimitCheck } from '../limits/check-limits.js';
import type { Assessment } from '../recovery/assess-check.js';
import type { CheckedSubject } from '../recovery/checked-subject.js';

/** One process's check in a tick, as it was weighed and recorded. */
export interface ProcessCheck {
  process: ProcessConfig;
  /** The verdict as recorded: `off` and `starting` included. */
  verdict: HealthVerdict;
  /** The heartbeat's own verdict behind it. */
  checked: HealthVerdict;
  consecutiveFailures: number;
  threshold: number;
  recoveryDue: boolean;
  /** The crash-loop guard held the recovery back (`backoff`) or gave up on the process at this check (`give_up`). */
  guard: Assessment['guard'];
  /** What the check measured of the app's use (memory, CPU) and judged against its limits; absent when not asked. */
  limits?: LimitCheck | undefined;
}

/**
 * What the log line, the `gave_up` event and the tick's problems need of a check: a
 * process's ({@link ProcessCheck}) or a file system entry's, whose `process` is the entry.
 */
export type AssessedCheck = Omit<ProcessCheck, 'process' | 'limits'> & { process: CheckedSubject };
