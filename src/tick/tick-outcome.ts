import type { NetworkTickOutcome } from '../network/run-network-tick.js';
import type { DeliveryReport } from '../notify/deliver-notifications.js';
import type { RecoveryReport } from '../recovery/run-recovery.js';
import type { ThermalTickOutcome } from '../thermal/run-thermal-tick.js';
import type { ProcessCheck } from './process-check.js';
import type { TickProblem } from './tick-problems.js';
import type { FilesystemTickOutcome } from './run-filesystem-stage.js';

/** What one tick did: nothing when another instance held the lock, else what it found and did. */
export type TickOutcome =
  | { kind: 'lock-held'; lockPath: string }
  | {
      kind: 'ran';
      checkedAt: string;
      checks: ProcessCheck[];
      recoveries: RecoveryReport[];
      /** Recoveries that were due but not started, and why (a second copy, backoff...); optional for outcomes made elsewhere. */
      refused?: { processKey: string; why: string }[] | undefined;
      /** `undefined` when the config has no enabled `filesystems` entry (or a signal stopped the tick before them). */
      filesystems?: FilesystemTickOutcome | undefined;
      /** `undefined` when the config has no `network` section. */
      network: NetworkTickOutcome | undefined;
      /** `undefined` when the config has no `thermal` section (or a signal stopped the tick before it). */
      thermal?: ThermalTickOutcome | undefined;
      /** Why the audit database could not take this tick's rows (they wait in the journal); `undefined` when it could. */
      auditDegraded: string | undefined;
      /** False when not even the journal could take them: they are lost when the run ends. */
      auditRowsSaved: boolean;
      /** Where they wait: the journal, or its fallback when the journal's folder refused them. */
      auditJournal?: string | undefined;
      /** What went wrong (see `tickProblems`), listed once, before the tick recorded its end; empty for a tick that did its job. */
      problems: TickProblem[];
      /** The problems' lines. */
      failures: string[];
      /** `undefined` when the config has no `notify` section. */
      notifications: DeliveryReport | undefined;
      /** Set when a signal asked the tick to stop: which, and where it was then. */
      interrupted?: { signal: string; where: string } | undefined;
    };
