import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { sleep } from '../../src/time/sleep.js';

describe('sleep', () => {
  it('waits the time given', async () => {
    const started = performance.now();
    await sleep(30);
    assert.ok(performance.now() - started >= 25);
  });

  it('ends at once when its signal aborts, and at once when it already has', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const waiting = sleep(60_000, controller.signal);
    setTimeout(() => controller.abort('SIGTERM'), 20);
    await waiting;
    await sleep(60_000, controller.signal);
    assert.ok(performance.now() - started < 5000, 'not the 60 s asked for');
  });
});
