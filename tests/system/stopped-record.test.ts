import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ProcStat } from '../../src/system/proc-stat.js';
import { resumeStoppedProcesses, stoppedRecordAt } from '../../src/system/stopped-record.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const BOOT = 'boot-a';

/** A process table: PID → [start time, state]. */
function tableOf(entries: Record<number, [number, string]>): (pid: number) => ProcStat | undefined {
  return (pid) => {
    const entry = entries[pid];
    return entry === undefined
      ? undefined
      : { pid, ppid: 1, pgrp: pid, session: pid, startTime: entry[0], state: entry[1] };
  };
}

function resume(
  path: string,
  table: Record<number, [number, string]>,
  bootId = BOOT,
): { resumed: number[]; sent: [number, string][] } {
  const sent: [number, string][] = [];
  const resumed = resumeStoppedProcesses(path, {
    bootId,
    stat: tableOf(table),
    kill: (pid, signal) => sent.push([pid, signal]),
  });
  return { resumed, sent };
}

describe('the stopped record', () => {
  const recorded = [
    { pid: 100, startTime: 50 },
    { pid: 101, startTime: 51 },
    { pid: 102, startTime: 52 },
    { pid: 1, startTime: 1 },
  ];
  const cases: [name: string, table: Record<number, [number, string]>, bootId: string, expected: number[]][] = [
    ['resumes each recorded process still stopped', { 100: [50, 'T'], 101: [51, 't'] }, BOOT, [100, 101]],
    [
      'leaves a PID another process took since (its start time differs)',
      { 100: [50, 'T'], 101: [900, 'T'] },
      BOOT,
      [100],
    ],
    ['leaves a recorded process that runs already', { 100: [50, 'S'] }, BOOT, []],
    ['never PID 1', { 1: [1, 'T'] }, BOOT, []],
    ['nothing from another boot', { 100: [50, 'T'] }, 'boot-b', []],
  ];
  for (const [name, table, bootId, expected] of cases) {
    it(name, () => {
      const path = join(makeTempDir(), 'stopped-processes.json');
      stoppedRecordAt(path, BOOT).save(recorded);
      const { resumed, sent } = resume(path, table, bootId);
      assert.deepEqual(resumed, expected);
      assert.deepEqual(
        sent,
        expected.map((pid) => [pid, 'SIGCONT']),
      );
      assert.equal(existsSync(path), false, 'the record is removed');
    });
  }

  it('does nothing without a record, and believes nothing of a torn one', () => {
    const dir = makeTempDir();
    assert.deepEqual(resume(join(dir, 'none.json'), { 100: [50, 'T'] }).resumed, []);
    writeFileSync(join(dir, 'torn.json'), '{"bootId":"boot-a","processes":[{"pid":100,');
    assert.deepEqual(resume(join(dir, 'torn.json'), { 100: [50, 'T'] }).sent, []);
  });

  it('is removed once cleared', () => {
    const path = join(makeTempDir(), 'stopped-processes.json');
    const record = stoppedRecordAt(path, BOOT);
    record.save(recorded);
    record.clear();
    assert.equal(existsSync(path), false);
  });
});
