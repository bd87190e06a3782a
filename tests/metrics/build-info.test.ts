import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildInfoFamily } from '../../src/metrics/build-info.js';
import { formatPrometheusText } from '../../src/metrics/prometheus-text.js';

describe('buildInfoFamily', () => {
  it('is 1 with the version and Node.js version as labels', () => {
    assert.equal(
      formatPrometheusText([buildInfoFamily({ version: '1.2.3', nodeVersion: '20.19.0' })]),
      [
        '# HELP watchdog_build_info Always 1: the version of the watchdog that wrote this file, and of the Node.js it ran on.',
        '# TYPE watchdog_build_info gauge',
        'watchdog_build_info{version="1.2.3",node_version="20.19.0"} 1',
        '',
      ].join('\n'),
    );
  });

  it('says unknown for a version that could not be read, and bounds and escapes one edited by hand', () => {
    const labels = (version: string | undefined): Record<string, string> | undefined =>
      buildInfoFamily({ version, nodeVersion: '20' }).samples[0]?.labels;
    assert.equal(labels(undefined)?.version, 'unknown');
    assert.equal(labels('')?.version, 'unknown');
    assert.equal(labels('x'.repeat(1000))?.version?.length, 64);
    const text = formatPrometheusText([buildInfoFamily({ version: '1"}\nwatchdog_fake 1', nodeVersion: '20' })]);
    assert.equal(text.split('\n').length, 4, 'three lines and the last newline');
    assert.match(text, /version="1\\"}\\nwatchdog_fake 1"/);
  });
});
