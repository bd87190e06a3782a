import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DocumentedMetrics } from './documented-metrics.js';
import { readExpression } from './promql-selectors.js';

/**
 * The structure checks of a Grafana dashboard exported for sharing (deploy/grafana/): each
 * returns problems as lines, `[]` when there is none, so a test can show that a broken copy
 * fails them.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** The datasource every query names: the import's input, chosen when the dashboard is imported. */
export const DATASOURCE = { type: 'prometheus', uid: '${DS_PROMETHEUS}' } as const;
const INPUT = 'DS_PROMETHEUS';
const COLUMNS = 24;
/** Labels Prometheus gives every scraped series: the target's. */
const TARGET_LABELS = new Set(['instance', 'job']);
/** What Grafana puts for its own interval variables, so promtool reads a plain duration. */
const INTERVALS: Record<string, string> = { __range: '1h', __rate_interval: '5m', __interval: '1m' };
/** The dashboard's own variables and a value each, as Grafana puts them into a query. */
const VARIABLES: Record<string, string> = { instance: 'gw-1:9100', process: 'web' };

/** One PromQL expression of the dashboard and where it is. */
export interface DashboardExpression {
  readonly where: string;
  readonly expr: string;
  /** A template variable's query, which lists values rather than filters them. */
  readonly variable?: string;
}

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const objectsIn = (value: Json | undefined): JsonObject[] => (Array.isArray(value) ? value.filter(isObject) : []);
const isInteger = (value: Json | undefined): value is number => typeof value === 'number' && Number.isInteger(value);

/** Every panel, rows' own panels included, each with where it is. */
export function panelsOf(dashboard: JsonObject): { where: string; panel: JsonObject }[] {
  return objectsIn(dashboard.panels).flatMap((panel, index) => [
    { where: `panels[${index}] ${JSON.stringify(panel.title)}`, panel },
    ...objectsIn(panel.panels).map((inner, innerIndex) => ({
      where: `panels[${index}].panels[${innerIndex}] ${JSON.stringify(inner.title)}`,
      panel: inner,
    })),
  ]);
}

/** The PromQL of the dashboard: panel targets, annotations, and the series each variable lists labels of. */
export function expressionsOf(dashboard: JsonObject): DashboardExpression[] {
  const found: DashboardExpression[] = [];
  for (const { where, panel } of panelsOf(dashboard)) {
    for (const target of objectsIn(panel.targets)) {
      found.push({ where: `${where} target ${String(target.refId)}`, expr: String(target.expr) });
    }
  }
  const annotations = isObject(dashboard.annotations) ? objectsIn(dashboard.annotations.list) : [];
  annotations.forEach((annotation, index) =>
    found.push({ where: `annotation ${JSON.stringify(annotation.name ?? index)}`, expr: String(annotation.expr) }),
  );
  for (const variable of templatingOf(dashboard)) {
    const query = isObject(variable.query) ? variable.query.query : variable.query;
    const listed = /^label_values\((.+),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$/.exec(String(query));
    found.push({
      where: `variable ${String(variable.name)}`,
      expr: listed?.[1] ?? String(query),
      variable: String(variable.name),
    });
  }
  return found;
}

function templatingOf(dashboard: JsonObject): JsonObject[] {
  return isObject(dashboard.templating) ? objectsIn(dashboard.templating.list) : [];
}

/**
 * `expr` as Grafana sends it to Prometheus: interval variables as durations (`$__range` 1h),
 * the dashboard's own as `values` (a multi-value choice as Grafana writes it: `(a|b)`).
 */
export function asSent(expr: string, values: Record<string, string> = VARIABLES): string {
  return expr.replace(/\$\{?(\w+)\}?/g, (whole, name: string) => INTERVALS[name] ?? values[name] ?? whole);
}

/** `expr` with Grafana's interval variables as durations, the dashboard's own variables left as written. */
function withIntervals(expr: string): string {
  return expr.replace(/\$\{?(\w+)\}?/g, (whole, name: string) => INTERVALS[name] ?? whole);
}

/** Top-level fields an import needs, the input, the variables. */
export function checkTopLevel(dashboard: JsonObject): string[] {
  const problems: string[] = [];
  const input = objectsIn(dashboard.__inputs).find((entry) => entry.name === INPUT);
  if (input?.type !== 'datasource' || input.pluginId !== 'prometheus') {
    problems.push(`__inputs has no Prometheus datasource input ${INPUT}`);
  }
  if (typeof dashboard.uid !== 'string' || !/^[A-Za-z0-9_-]{1,40}$/.test(dashboard.uid)) {
    problems.push(`uid ${JSON.stringify(dashboard.uid)} is not 1 to 40 letters, digits, - or _`);
  }
  if (typeof dashboard.title !== 'string' || dashboard.title === '') problems.push('no title');
  if (!isInteger(dashboard.schemaVersion) || dashboard.schemaVersion < 36) {
    problems.push(`schemaVersion ${JSON.stringify(dashboard.schemaVersion)} is not an integer >= 36 (Grafana 9)`);
  }
  if (dashboard.id !== null) problems.push('id is not null (an import gives the dashboard its own)');
  const variables = new Map(templatingOf(dashboard).map((variable) => [variable.name, variable]));
  for (const name of ['instance', 'process']) {
    const variable = variables.get(name);
    if (variable === undefined) problems.push(`no template variable ${name}`);
    else if (variable.type !== 'query' || variable.multi !== true || variable.includeAll !== true) {
      problems.push(`variable ${name} is not a query with multi and include all`);
    }
  }
  const instanceQuery = variables.get('instance')?.definition;
  if (instanceQuery !== 'label_values(watchdog_last_tick_timestamp_seconds, instance)') {
    problems.push(`variable instance lists ${JSON.stringify(instanceQuery)}, not the devices that tick`);
  }
  const required = new Set(
    objectsIn(dashboard.__requires)
      .filter((entry) => entry.type === 'panel')
      .map((entry) => entry.id),
  );
  for (const { where, panel } of panelsOf(dashboard)) {
    if (panel.type !== 'row' && !required.has(panel.type ?? null)) {
      problems.push(`${where}: panel type ${JSON.stringify(panel.type)} is not in __requires`);
    }
  }
  return problems;
}

/** Unique integer ids; positions on the 24-column grid, none overlapping another. */
export function checkLayout(dashboard: JsonObject): string[] {
  const problems: string[] = [];
  const seen = new Map<number, string>();
  for (const { where, panel } of panelsOf(dashboard)) {
    if (!isInteger(panel.id) || panel.id < 1)
      problems.push(`${where}: id ${JSON.stringify(panel.id)} is not a positive integer`);
    else if (seen.has(panel.id)) problems.push(`${where}: id ${panel.id} is also ${String(seen.get(panel.id))}'s`);
    else seen.set(panel.id, where);
  }
  type Box = { where: string; x: number; y: number; w: number; h: number };
  const boxesOf = (panels: Json | undefined, prefix: string): Box[] =>
    objectsIn(panels).flatMap((panel, index) => {
      const where = `${prefix}[${index}] ${JSON.stringify(panel.title)}`;
      const grid = isObject(panel.gridPos) ? panel.gridPos : {};
      const { x, y, w, h } = grid;
      if (!isInteger(x) || !isInteger(y) || !isInteger(w) || !isInteger(h) || x < 0 || y < 0 || w < 1 || h < 1) {
        problems.push(`${where}: gridPos ${JSON.stringify(panel.gridPos)} is not whole, non-negative and non-empty`);
        return [];
      }
      if (x + w > COLUMNS) problems.push(`${where}: ends at column ${x + w}, beyond ${COLUMNS}`);
      return [{ where, x, y, w, h }];
    });
  const checkOverlaps = (boxes: Box[]): void => {
    boxes.forEach((a, index) => {
      for (const b of boxes.slice(index + 1)) {
        if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) {
          problems.push(`${a.where} and ${b.where} overlap`);
        }
      }
    });
  };
  // A collapsed row keeps its panels inside itself, placed as they are when it opens.
  checkOverlaps(boxesOf(dashboard.panels, 'panels'));
  objectsIn(dashboard.panels).forEach((row, index) => {
    if (row.collapsed === true) checkOverlaps(boxesOf(row.panels, `panels[${index}].panels`));
  });
  return problems;
}

/** Every `datasource` anywhere is the input; every query panel and target names it; refIds are unique. */
export function checkDatasources(dashboard: JsonObject): string[] {
  const problems: string[] = [];
  const isInput = (value: Json | undefined): boolean =>
    isObject(value) &&
    value.type === DATASOURCE.type &&
    value.uid === DATASOURCE.uid &&
    Object.keys(value).length === 2;
  const walk = (value: Json, path: string): void => {
    if (Array.isArray(value)) value.forEach((item, index) => walk(item, `${path}[${index}]`));
    else if (isObject(value)) {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'datasource' && !isInput(inner)) {
          problems.push(`${path}.datasource is ${JSON.stringify(inner)}, not ${JSON.stringify(DATASOURCE)}`);
        }
        walk(inner, `${path}.${key}`);
      }
    }
  };
  walk(dashboard, '$');
  for (const { where, panel } of panelsOf(dashboard)) {
    if (panel.type === 'row') continue;
    const targets = objectsIn(panel.targets);
    if (!isInput(panel.datasource)) problems.push(`${where}: no datasource`);
    if (targets.length === 0) problems.push(`${where}: no query`);
    const refIds = targets.map((target) => target.refId);
    if (new Set(refIds).size !== refIds.length) problems.push(`${where}: refIds ${JSON.stringify(refIds)} repeat`);
    for (const target of targets) {
      if (!isInput(target.datasource)) problems.push(`${where} target ${String(target.refId)}: no datasource`);
      if (typeof target.expr !== 'string' || target.expr.trim() === '') {
        problems.push(`${where} target ${String(target.refId)}: no expr`);
      }
    }
  }
  for (const variable of templatingOf(dashboard)) {
    if (!isInput(variable.datasource)) problems.push(`variable ${String(variable.name)}: no datasource`);
  }
  return problems;
}

/**
 * Every metric an expression reads is documented (in `metrics`), every label it matches or
 * groups by is one of those metrics' (or the target's), every selector is narrowed to the
 * chosen devices, and to the chosen apps when its metric has a `process` label; legends name
 * only such labels. A variable's own query is not narrowed by itself.
 */
export function checkNames(dashboard: JsonObject, metrics: DocumentedMetrics): string[] {
  const problems: string[] = [];
  const legends = new Map<string, string>();
  for (const { where, panel } of panelsOf(dashboard)) {
    for (const target of objectsIn(panel.targets)) {
      legends.set(`${where} target ${String(target.refId)}`, String(target.legendFormat ?? ''));
    }
  }
  for (const { where, expr, variable } of expressionsOf(dashboard)) {
    const read = readExpression(withIntervals(expr));
    problems.push(...read.problems.map((problem) => `${where}: ${problem}`));
    const known = new Set(TARGET_LABELS);
    for (const selector of read.selectors) {
      const labels = selector.name === undefined ? undefined : metrics.get(selector.name);
      if (labels === undefined) {
        problems.push(`${where}: ${selector.name ?? 'a selector without a name'} is not in docs/metrics.md`);
        continue;
      }
      labels.forEach((label) => known.add(label));
      for (const matcher of selector.matchers) {
        if (!labels.has(matcher.label) && !TARGET_LABELS.has(matcher.label)) {
          problems.push(`${where}: ${selector.name} has no label ${matcher.label}`);
        }
      }
      const usesVariable = (label: string): boolean =>
        selector.matchers.some(
          (matcher) => matcher.label === label && matcher.op === '=~' && matcher.value === `$${label}`,
        );
      if (variable !== 'instance' && !usesVariable('instance')) {
        problems.push(`${where}: ${String(selector.name)} is not narrowed by instance=~"$instance"`);
      }
      if (labels.has('process') && variable === undefined && !usesVariable('process')) {
        problems.push(`${where}: ${String(selector.name)} is not narrowed by process=~"$process"`);
      }
    }
    for (const label of read.groupingLabels) {
      if (!known.has(label)) problems.push(`${where}: groups by ${label}, a label none of its metrics has`);
    }
    for (const match of (legends.get(where) ?? '').matchAll(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g)) {
      if (!known.has(match[1] ?? ''))
        problems.push(`${where}: the legend names ${match[1]}, a label none of its metrics has`);
    }
  }
  return problems;
}

/**
 * Whether Prometheus's own parser reads every expression, as Grafana sends it: each becomes
 * a recording rule in a rules file under `dir` that `promtool check rules` checks. Returns
 * promtool's complaints, `[]` when it found none.
 */
export function checkParses(expressions: readonly DashboardExpression[], promtool: string, dir: string): string[] {
  const file = join(dir, 'dashboard-expressions.rules.json');
  const rules = expressions.map((expression, index) => ({
    record: `dashboard:expression_${index}`,
    expr: asSent(expression.expr),
  }));
  // JSON is YAML, which promtool reads.
  writeFileSync(file, JSON.stringify({ groups: [{ name: 'dashboard', rules }] }));
  const result = spawnSync(promtool, ['check', 'rules', file], { encoding: 'utf8' });
  if (result.error !== undefined) return [`promtool did not run: ${String(result.error)}`];
  if (result.status === 0) return [];
  const output = `${result.stdout}${result.stderr}`;
  const named = expressions.flatMap((expression, index) =>
    output.includes(`dashboard:expression_${index}"`) || output.includes(`dashboard:expression_${index}:`)
      ? [`${expression.where}: ${expression.expr}`]
      : [],
  );
  return [`promtool check rules failed (exit ${String(result.status)}):\n${output}`, ...named];
}
