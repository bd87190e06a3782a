import type { Store } from './open-store.js';

/** A value the watchdog keeps about itself (`watchdog_meta`), such as when the last good tick ran. */
export function readMeta(db: Store, key: string): string | undefined {
  return db.prepare<[string], { value: string }>('SELECT value FROM watchdog_meta WHERE key = ?').get(key)?.value;
}

export function writeMeta(db: Store, key: string, value: string): void {
  db.prepare(
    'INSERT INTO watchdog_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(key, value);
}

/** When the last tick without a failure ended. */
export const LAST_SUCCESSFUL_TICK_KEY = 'last_successful_tick_at';
