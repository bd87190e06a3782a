import type { Store } from './open-store.js';

/**
 * Counts of audit rows that the metrics export as counters. Retention deletes old rows,
 * and a counter must never go down (Prometheus would read a reset), so the counts of the
 * rows it deletes are folded into `metric_baseline` first; a count is rows + baseline.
 */
export interface CountedRows {
  /** The key in `metric_baseline`. */
  name: string;
  /** The rows' table (the FROM clause: a join names its columns by table). */
  table: 'recoveries' | 'network_events' | 'notifications' | typeof STARTS_OF_RECOVERIES;
  /** Label name → the column it comes from. */
  labels: Record<string, string>;
  /** Which rows count. */
  where: string;
}

/** Each recovery's actions with their recovery, whose key they are counted under. */
const STARTS_OF_RECOVERIES = 'recovery_actions JOIN recoveries ON recoveries.id = recovery_actions.recovery_id';

export const COUNTED_ROWS = {
  recoveries: {
    name: 'recoveries',
    table: 'recoveries',
    labels: { process: 'process_key', kind: 'kind', outcome: 'outcome' },
    where: "outcome <> 'running'",
  },
  /** New instances of an app the watchdog started: a built-in `start` that ran (of a recovery, a restart or an `on`). */
  restarts: {
    name: 'restarts',
    table: STARTS_OF_RECOVERIES,
    labels: { process: 'recoveries.process_key' },
    where: "recovery_actions.action = 'start' AND recovery_actions.outcome = 'ok'",
  },
  rungRuns: {
    name: 'rung_runs',
    table: 'network_events',
    labels: { interface: 'interface', rung: 'rung', outcome: 'outcome' },
    where: "kind = 'rung'",
  },
  ladderRuns: {
    name: 'ladder_runs',
    table: 'network_events',
    labels: { interface: 'interface', outcome: 'outcome' },
    where: "kind = 'ladder_end'",
  },
  notifications: {
    name: 'notifications',
    table: 'notifications',
    labels: { channel: 'channel', outcome: 'state' },
    // A row leaves `pending` once, for one of these, and never changes again.
    where: "state IN ('delivered', 'failed', 'dropped')",
  },
  reboots: { name: 'reboots', table: 'network_events', labels: { interface: 'interface' }, where: "kind = 'reboot'" },
  rebootsHeld: {
    name: 'reboots_held',
    table: 'network_events',
    labels: { interface: 'interface', guard: 'rung' },
    where: "kind = 'reboot_held'",
  },
} as const satisfies Record<string, CountedRows>;

export interface Count {
  labels: Record<string, string>;
  value: number;
}

/** The rows' count by label set, those retention deleted included. */
export function countRows(db: Store, counted: CountedRows): Count[] {
  const totals = new Map<string, Count>();
  const add = (labelsJson: string, value: number): void => {
    const key = labelsJson;
    const existing = totals.get(key);
    if (existing === undefined) totals.set(key, { labels: labelsOf(labelsJson), value });
    else existing.value += value;
  };
  const live = db
    .prepare<[], { labels: string; value: number }>(
      `SELECT ${labelsJson(counted)} AS labels, COUNT(*) AS value FROM ${counted.table} WHERE ${counted.where} GROUP BY labels`,
    )
    .all();
  for (const row of live) add(row.labels, row.value);
  const retired = db
    .prepare<[string], { labels: string; value: number }>('SELECT labels, value FROM metric_baseline WHERE name = ?')
    .all(counted.name);
  for (const row of retired) add(row.labels, row.value);
  return [...totals.values()];
}

/**
 * Adds the counts of the rows `rowFilter` selects (the ones retention is about to delete)
 * to the baseline. Run it in the transaction that deletes them.
 */
export function foldIntoBaseline(
  db: Store,
  counted: CountedRows,
  rowFilter: string,
  params: Record<string, unknown>,
): void {
  db.prepare(
    `INSERT INTO metric_baseline (name, labels, value)
       SELECT '${counted.name}', ${labelsJson(counted)} AS labels, COUNT(*) FROM ${counted.table} WHERE (${counted.where}) AND (${rowFilter}) GROUP BY labels
     ON CONFLICT (name, labels) DO UPDATE SET value = value + excluded.value`,
  ).run(params);
}

/** The label set as JSON, in a fixed order, so equal sets are equal strings. */
function labelsJson(counted: CountedRows): string {
  return `json_object(${Object.entries(counted.labels)
    .map(([label, column]) => `'${label}', COALESCE(${column}, '')`)
    .join(', ')})`;
}

function labelsOf(json: string): Record<string, string> {
  const parsed = JSON.parse(json) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(parsed).map(([name, value]) => [name, String(value ?? '')]));
}
