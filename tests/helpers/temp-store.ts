import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/open-store.js';
import type { RecoveryStart } from '../../src/store/record-recovery.js';
import { makeTempDir } from './temp-dir.js';

/** A test body run on a fresh audit database in its own temporary folder, closed after it. */
export function withStore(test: (db: Store, dir: string) => void): () => void {
  return () => {
    const dir = makeTempDir();
    const db = openStore(join(dir, 'watchdog.db'));
    try {
      test(db, dir);
    } finally {
      db.close();
    }
  };
}

/** A cron recovery of `web` after a timed-out heartbeat, as `beginRecovery` takes it; any field overridden. */
export function recoveryStart(overrides: Partial<RecoveryStart> = {}): RecoveryStart {
  return {
    processKey: 'web',
    kind: 'recovery',
    command: 'check',
    requestedBy: 'cron',
    triggerHealth: 'timed_out',
    triggerReason: 'last heartbeat 10m ago',
    startedAt: '2026-06-30T12:00:00.000000+00:00',
    ...overrides,
  };
}
