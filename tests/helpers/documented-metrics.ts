import { readFileSync } from 'node:fs';

/** Metric name → its labels, as a metrics table in Markdown lists them. */
export type DocumentedMetrics = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * The metrics of the table in `docs/metrics.md`: each row `` | `name` | type | `label`, ... | meaning | ``.
 * Rows of other tables on the page (no `watchdog_` name in the first cell) are left out.
 */
export function readDocumentedMetrics(path: string): DocumentedMetrics {
  const metrics = new Map<string, ReadonlySet<string>>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const row = /^\| `(watchdog_[a-z0-9_]+)` \| (\w+) \|([^|]*)\|/.exec(line);
    if (row === null) continue;
    const labels = [...(row[3] ?? '').matchAll(/`([a-z_][a-z0-9_]*)`/g)].map((match) => match[1] ?? '');
    metrics.set(row[1] ?? '', new Set(labels));
  }
  return metrics;
}
