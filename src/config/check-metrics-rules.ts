import { isPlainObject } from '../json/json-shape.js';

/** Rules of `metrics` the schema cannot express: a textfile node_exporter reads. Tolerant of values of the wrong type. */
export function checkMetricsRules(raw: Record<string, unknown>): string[] {
  if (
    isPlainObject(raw.metrics) &&
    typeof raw.metrics.textfile_path === 'string' &&
    !raw.metrics.textfile_path.endsWith('.prom')
  ) {
    return [`metrics.textfile_path: must end in .prom (node_exporter's textfile collector reads only those)`];
  }
  return [];
}
