// The Grafana dashboard in deploy/grafana/ as an import reads it: the fields and input an
// import needs, panels on the grid, every query against the input, every expression parsed
// by Prometheus's own parser (`promtool check rules`) and reading only metrics and labels
// that docs/metrics.md documents, so renaming a metric breaks this test until the
// dashboard follows. Each check is also shown failing a broken copy.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readDocumentedMetrics, type DocumentedMetrics } from '../helpers/documented-metrics.js';
import { requireOnPath } from '../helpers/find-on-path.js';
import {
  checkDatasources,
  checkLayout,
  checkNames,
  checkParses,
  checkTopLevel,
  expressionsOf,
  panelsOf,
} from '../helpers/grafana-dashboard.js';
import { readExpression } from '../helpers/promql-selectors.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const DASHBOARD = fileURLToPath(new URL('../../deploy/grafana/watchdog-fleet.json', import.meta.url));
const METRICS_DOC = fileURLToPath(new URL('../../docs/metrics.md', import.meta.url));

/**
 * Metrics other parts of issue 25 add (A: notifications, B: fleet metrics), with their
 * labels, until their rows are in docs/metrics.md. A test below fails once a row is there:
 * then its entry goes, and the row is what the dashboard is held to.
 */
const PENDING: Record<string, string[]> = {};

/** What a fleet looks at: a dashboard without one of these lost a row. */
const COVERED = [
  'watchdog_process_state',
  'watchdog_recoveries_total',
  'watchdog_process_restarts_total',
  'watchdog_reboots_total',
  'watchdog_reboots_suppressed_total',
  'watchdog_network_link_up',
  'watchdog_network_ladder_runs_total',
  'watchdog_last_tick_timestamp_seconds',
  'watchdog_notifications_total',
  'watchdog_notifications_pending',
  'watchdog_build_info',
  'watchdog_filesystem_free_bytes',
  'watchdog_thermal_celsius',
];

type Dashboard = Parameters<typeof checkTopLevel>[0];

function loadDashboard(): Dashboard {
  return JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;
}

function documented(): DocumentedMetrics {
  const metrics = new Map(readDocumentedMetrics(METRICS_DOC));
  for (const [name, labels] of Object.entries(PENDING)) if (!metrics.has(name)) metrics.set(name, new Set(labels));
  return metrics;
}

/** A panel of `dashboard` by title (rows' own panels included). */
function panelTitled(dashboard: Dashboard, title: string): Record<string, unknown> {
  const found = panelsOf(dashboard).find(({ panel }) => panel.title === title);
  assert.ok(found !== undefined, `a panel titled ${title}`);
  return found.panel as Record<string, unknown>;
}

function firstTarget(dashboard: Dashboard, title: string): Record<string, unknown> {
  const targets = panelTitled(dashboard, title).targets as Record<string, unknown>[];
  return targets[0] as Record<string, unknown>;
}

describe('docs/metrics.md as the dashboard test reads it', () => {
  it('lists every metric of the table with its labels', () => {
    const metrics = readDocumentedMetrics(METRICS_DOC);
    assert.deepEqual([...(metrics.get('watchdog_process_state') ?? [])], ['process', 'state']);
    assert.deepEqual([...(metrics.get('watchdog_tick_failed') ?? [])], []);
    assert.ok(metrics.size >= 28, `the whole table: ${[...metrics.keys()].join(', ')}`);
  });

  it('does not document yet what PENDING holds (once it does, remove the entry)', () => {
    const metrics = readDocumentedMetrics(METRICS_DOC);
    const nowDocumented = Object.keys(PENDING).filter((name) => metrics.has(name));
    assert.deepEqual(nowDocumented, [], 'documented now: remove from PENDING in this test');
  });
});

describe('deploy/grafana/watchdog-fleet.json', () => {
  it('is JSON with what an import needs: the Prometheus input, uid, title, schemaVersion, the variables', () => {
    assert.deepEqual(checkTopLevel(loadDashboard()), []);
  });

  it('has unique panel ids and panels within 24 columns that do not overlap', () => {
    assert.deepEqual(checkLayout(loadDashboard()), []);
  });

  it('queries the import’s Prometheus input everywhere', () => {
    assert.deepEqual(checkDatasources(loadDashboard()), []);
  });

  it('reads only metrics and labels docs/metrics.md documents, narrowed to $instance and $process', () => {
    assert.deepEqual(checkNames(loadDashboard(), documented()), []);
  });

  it('has expressions that Prometheus’s parser reads (promtool check rules)', () => {
    const dashboard = loadDashboard();
    const expressions = expressionsOf(dashboard);
    assert.ok(expressions.length >= 30, `${expressions.length} expressions`);
    assert.deepEqual(checkParses(expressions, requireOnPath('promtool'), makeTempDir()), []);
  });

  it('shows what a fleet looks at: app states, recoveries, restarts, reboots, uplink, silence, notifications, builds, disks, heat', () => {
    const used = new Set(
      expressionsOf(loadDashboard()).flatMap(({ expr }) =>
        readExpression(expr.replace(/\$\w+/g, '1m')).selectors.map((selector) => selector.name),
      ),
    );
    assert.deepEqual(
      COVERED.filter((name) => !used.has(name)),
      [],
    );
  });
});

describe('the dashboard checks fail a broken copy', () => {
  const cases: {
    name: string;
    check: (dashboard: Dashboard) => string[];
    breaks: (d: Dashboard) => void;
    says: RegExp;
  }[] = [
    {
      name: 'a renamed metric',
      check: (dashboard) => checkNames(dashboard, documented()),
      breaks: (dashboard) => {
        const target = firstTarget(dashboard, 'Heartbeat age');
        target.expr = String(target.expr).replace(
          'watchdog_process_heartbeat_age_seconds',
          'watchdog_heartbeat_age_seconds',
        );
      },
      says: /watchdog_heartbeat_age_seconds is not in docs\/metrics\.md/,
    },
    {
      name: 'a label the metric does not have',
      check: (dashboard) => checkNames(dashboard, documented()),
      breaks: (dashboard) => {
        const target = firstTarget(dashboard, 'Reboots suppressed in range');
        target.expr = String(target.expr).replace('by (instance, reason)', 'by (instance, guard)');
      },
      says: /groups by guard/,
    },
    {
      name: 'a matcher on a label the metric does not have',
      check: (dashboard) => checkNames(dashboard, documented()),
      breaks: (dashboard) => {
        const target = firstTarget(dashboard, 'Recoveries in range');
        target.expr = String(target.expr).replaceAll('kind="recovery"', 'type="recovery"');
      },
      says: /watchdog_recoveries_total has no label type/,
    },
    {
      name: 'a legend naming a label no metric has',
      check: (dashboard) => checkNames(dashboard, documented()),
      breaks: (dashboard) => {
        firstTarget(dashboard, 'Heartbeat age').legendFormat = '{{instance}} {{app}}';
      },
      says: /the legend names app/,
    },
    {
      name: 'a query that ignores the chosen apps',
      check: (dashboard) => checkNames(dashboard, documented()),
      breaks: (dashboard) => {
        const target = firstTarget(dashboard, 'Memory');
        target.expr = String(target.expr).replace(', process=~"$process"', '');
      },
      says: /watchdog_process_memory_bytes is not narrowed by process=~"\$process"/,
    },
    {
      name: 'a query that ignores the chosen devices',
      check: (dashboard) => checkNames(dashboard, documented()),
      breaks: (dashboard) => {
        const target = firstTarget(dashboard, 'Tick duration');
        target.expr = 'watchdog_tick_duration_seconds';
      },
      says: /watchdog_tick_duration_seconds is not narrowed by instance=~"\$instance"/,
    },
    {
      name: 'a repeated panel id',
      check: checkLayout,
      breaks: (dashboard) => {
        panelTitled(dashboard, 'Memory').id = panelTitled(dashboard, 'CPU').id;
      },
      says: /id \d+ is also/,
    },
    {
      name: 'overlapping panels',
      check: checkLayout,
      breaks: (dashboard) => {
        const cpu = panelTitled(dashboard, 'CPU').gridPos as { x: number };
        cpu.x -= 1;
      },
      says: /"Memory" and .*"CPU" overlap/,
    },
    {
      name: 'a panel beyond the 24th column',
      check: checkLayout,
      breaks: (dashboard) => {
        const cpu = panelTitled(dashboard, 'CPU').gridPos as { w: number };
        cpu.w += 1;
      },
      says: /"CPU": ends at column 25/,
    },
    {
      name: 'a datasource named as on the exporting machine',
      check: checkDatasources,
      breaks: (dashboard) => {
        firstTarget(dashboard, 'CPU').datasource = { type: 'prometheus', uid: 'P1809F7CD0C75ACF3' };
      },
      says: /datasource is \{"type":"prometheus","uid":"P1809F7CD0C75ACF3"\}/,
    },
    {
      name: 'no input to import with',
      check: checkTopLevel,
      breaks: (dashboard) => {
        dashboard.__inputs = [];
      },
      says: /__inputs has no Prometheus datasource input DS_PROMETHEUS/,
    },
  ];
  for (const { name, check, breaks, says } of cases) {
    it(`fails ${name}`, () => {
      const dashboard = loadDashboard();
      assert.deepEqual(check(dashboard), [], 'the dashboard passes before it is broken');
      breaks(dashboard);
      const problems = check(dashboard);
      assert.ok(
        problems.some((problem) => says.test(problem)),
        `a problem matching ${String(says)} in:\n${problems.join('\n')}`,
      );
    });
  }

  it('fails an expression Prometheus cannot parse, naming where it is', () => {
    const dashboard = loadDashboard();
    const target = firstTarget(dashboard, 'Recoveries');
    target.expr = String(target.expr).replace('increase(', 'increase((');
    const problems = checkParses(expressionsOf(dashboard), requireOnPath('promtool'), makeTempDir());
    assert.match(problems.join('\n'), /promtool check rules failed/);
    assert.match(problems.join('\n'), /"Recoveries" target A: /);
  });
});

describe('readExpression', () => {
  it('finds selectors and their matchers, not functions, keywords or durations', () => {
    assert.deepEqual(
      readExpression(
        'sum by (instance, process) (increase(m_total{a="x", b=~"y|z"}[5m] offset 1h)) > bool 0 or vector(0)',
      ),
      {
        selectors: [
          {
            name: 'm_total',
            matchers: [
              { label: 'a', op: '=', value: 'x' },
              { label: 'b', op: '=~', value: 'y|z' },
            ],
          },
        ],
        groupingLabels: ['instance', 'process'],
        problems: [],
      },
    );
  });

  it('finds bare names on both sides of a vector match, and the labels it matches on', () => {
    const read = readExpression('time() - a * on (instance) group_left (state) (b == 1)');
    assert.deepEqual(
      read.selectors.map((selector) => selector.name),
      ['a', 'b'],
    );
    assert.deepEqual(read.groupingLabels, ['instance', 'state']);
  });

  it('reports a selector without a name, a malformed matcher and a character PromQL has not', () => {
    assert.deepEqual(readExpression('{job="x"}').selectors, [
      { name: undefined, matchers: [{ label: 'job', op: '=', value: 'x' }] },
    ]);
    assert.deepEqual(readExpression('m{job=x}').problems, ['a malformed matcher in the selector of m']);
    assert.deepEqual(readExpression('m[$__range]').problems, ['unexpected "$" at 2']);
  });
});
