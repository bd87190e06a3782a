import { stopSignalOf } from '../system/stop-signal.js';

/**
 * Where a tick is, so that when a signal asks it to stop, it can say where it was then
 * (docs/interruptions.md).
 */
export class TickStage {
  #where = 'while checking';
  readonly #signal: AbortSignal | undefined;

  constructor(signal: AbortSignal | undefined) {
    this.#signal = signal;
  }

  /** The tick goes on to `where` (`during the network check`...). */
  enter(where: string): void {
    this.#where = where;
  }

  /** The signal that asked the tick to stop, and where it was then; `undefined` while none did. */
  stopRequest(): { signal: string; where: string } | undefined {
    const signal = stopSignalOf(this.#signal);
    return signal === undefined ? undefined : { signal, where: this.#where };
  }
}
