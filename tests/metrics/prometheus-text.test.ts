import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatPrometheusText, type MetricFamily } from '../../src/metrics/prometheus-text.js';

describe('formatPrometheusText', () => {
  it('writes HELP and TYPE once per family, then its samples, and ends with a newline', () => {
    const families: MetricFamily[] = [
      {
        name: 'watchdog_process_up',
        type: 'gauge',
        help: '1 when the last check found the process healthy, else 0.',
        samples: [
          { labels: { process: 'web' }, value: 1 },
          { labels: { process: 'db' }, value: 0 },
        ],
      },
      {
        name: 'watchdog_recoveries_total',
        type: 'counter',
        help: 'Recovery pipelines run.',
        samples: [{ labels: { process: 'web', kind: 'recovery', outcome: 'failed' }, value: 3 }],
      },
      {
        name: 'watchdog_tick_duration_seconds',
        type: 'gauge',
        help: 'How long the last tick took.',
        samples: [{ labels: {}, value: 0.25 }],
      },
    ];
    assert.equal(
      formatPrometheusText(families),
      [
        '# HELP watchdog_process_up 1 when the last check found the process healthy, else 0.',
        '# TYPE watchdog_process_up gauge',
        'watchdog_process_up{process="web"} 1',
        'watchdog_process_up{process="db"} 0',
        '# HELP watchdog_recoveries_total Recovery pipelines run.',
        '# TYPE watchdog_recoveries_total counter',
        'watchdog_recoveries_total{process="web",kind="recovery",outcome="failed"} 3',
        '# HELP watchdog_tick_duration_seconds How long the last tick took.',
        '# TYPE watchdog_tick_duration_seconds gauge',
        'watchdog_tick_duration_seconds 0.25',
        '',
      ].join('\n'),
    );
  });

  it('escapes backslash, double quote and line feed in label values', () => {
    const text = formatPrometheusText([
      { name: 'm', type: 'gauge', help: 'h', samples: [{ labels: { path: 'C:\\dir "x"\nnext' }, value: 1 }] },
    ]);
    assert.equal(text.split('\n')[2], 'm{path="C:\\\\dir \\"x\\"\\nnext"} 1');
    assert.equal(text.split('\n').length, 4, 'the line feed did not break the sample line');
  });

  it('escapes backslash and line feed in HELP text', () => {
    const text = formatPrometheusText([
      { name: 'm', type: 'gauge', help: 'a \\ b\nc "d"', samples: [{ labels: {}, value: 1 }] },
    ]);
    assert.equal(text.split('\n')[0], '# HELP m a \\\\ b\\nc "d"');
  });

  it('leaves out a family without samples', () => {
    const text = formatPrometheusText([
      { name: 'empty_one', type: 'gauge', help: 'nothing', samples: [] },
      { name: 'full_one', type: 'counter', help: 'something', samples: [{ labels: {}, value: 2 }] },
    ]);
    assert.equal(text, '# HELP full_one something\n# TYPE full_one counter\nfull_one 2\n');
    assert.doesNotMatch(text, /empty_one/);
  });

  it('writes NaN, +Inf and -Inf as Prometheus spells them', () => {
    const text = formatPrometheusText([
      {
        name: 'm',
        type: 'gauge',
        help: 'h',
        samples: [
          { labels: { v: 'nan' }, value: Number.NaN },
          { labels: { v: 'inf' }, value: Infinity },
          { labels: { v: 'minf' }, value: -Infinity },
          { labels: { v: 'neg' }, value: -2.5 },
          { labels: { v: 'big' }, value: 1_782_820_800.123 },
        ],
      },
    ]);
    assert.deepEqual(text.split('\n').slice(2, -1), [
      'm{v="nan"} NaN',
      'm{v="inf"} +Inf',
      'm{v="minf"} -Inf',
      'm{v="neg"} -2.5',
      'm{v="big"} 1782820800.123',
    ]);
  });

  it('is empty for no families, or only empty ones', () => {
    assert.equal(formatPrometheusText([]), '');
    assert.equal(formatPrometheusText([{ name: 'm', type: 'gauge', help: 'h', samples: [] }]), '');
  });
});
