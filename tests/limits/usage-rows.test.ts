import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readCpuSample, recordUsage } from '../../src/limits/usage-rows.js';
import { readProcessStates } from '../../src/store/read-state.js';
import { recordChecks } from '../helpers/record-checks.js';
import { withStore } from '../helpers/temp-store.js';
import { verdictOf } from '../helpers/verdicts.js';

const SAMPLE = { pid: 42, startTicks: 5000, bootId: 'b00t', cpuTicks: 1234, uptimeSeconds: 99.5 };

describe('usage rows', () => {
  it(
    'keep the figures and the sample on the process’s state; a check that measured nothing clears the figures and keeps the sample',
    withStore((db) => {
      recordChecks(db, '2026-06-30T12:00:00.000000+00:00', [
        { processKey: 'web', verdict: verdictOf('healthy'), threshold: 2 },
      ]);
      assert.equal(readCpuSample(db, 'web'), undefined, 'no sample before the first measure');
      recordUsage(db, 'web', { memoryBytes: 2048, cpuPercent: 12.5, descendants: 2, sample: SAMPLE });
      assert.deepEqual(readCpuSample(db, 'web'), SAMPLE);
      const row = readProcessStates(db).get('web');
      assert.deepEqual([row?.last_memory_bytes, row?.last_cpu_percent, row?.last_usage_descendants], [2048, 12.5, 2]);

      recordUsage(db, 'web', { memoryBytes: null, cpuPercent: null, descendants: null, sample: undefined });
      const cleared = readProcessStates(db).get('web');
      assert.deepEqual(
        [cleared?.last_memory_bytes, cleared?.last_cpu_percent, cleared?.last_usage_descendants],
        [null, null, null],
      );
      assert.deepEqual(readCpuSample(db, 'web'), SAMPLE, 'the sample stays for when the app is measured again');
      assert.equal(readCpuSample(db, 'nobody'), undefined);
    }),
  );
});
