import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { STOP_SIGNALS, watchStopSignals } from '../../src/cli/watch-stop-signals.js';
import { stopSignalOf } from '../../src/system/stop-signal.js';

describe('watchStopSignals', () => {
  for (const name of STOP_SIGNALS) {
    it(`aborts on ${name}, with the signal's name as the reason`, () => {
      const source = new EventEmitter();
      const signal = watchStopSignals(source);
      assert.equal(stopSignalOf(signal), undefined);
      source.emit(name, name);
      assert.equal(signal.aborted, true);
      assert.equal(stopSignalOf(signal), name);
    });
  }

  it('keeps listening after the first signal: later ones are told, not acted on', () => {
    const source = new EventEmitter();
    const repeats: string[] = [];
    const signal = watchStopSignals(source, (repeated, first) => repeats.push(`${repeated} after ${first}`));
    source.emit('SIGTERM', 'SIGTERM');
    source.emit('SIGINT', 'SIGINT');
    source.emit('SIGTERM', 'SIGTERM');
    assert.equal(stopSignalOf(signal), 'SIGTERM', 'the first signal stays the reason');
    assert.deepEqual(repeats, ['SIGINT after SIGTERM', 'SIGTERM after SIGTERM']);
    // A listener stays for each: Node's default action (death mid-clean-up) never applies.
    for (const name of STOP_SIGNALS) assert.equal(source.listenerCount(name), 1);
  });
});
