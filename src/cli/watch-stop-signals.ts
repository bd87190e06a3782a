/** The signals that ask a run to stop: systemd's stop and timeout, Ctrl-C, a closed SSH session. */
export const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

export type StopSignal = (typeof STOP_SIGNALS)[number];

/** The part of `process` this needs (for testing: an EventEmitter). */
export interface SignalSource {
  on(event: StopSignal, listener: (signal: NodeJS.Signals) => void): unknown;
}

/**
 * Turns the first stop signal into an abort of the returned signal (its `reason` the
 * signal's name), so the run ends cleanly: waits end, commands it runs are stopped, what
 * was done is recorded. The listeners stay: a second signal during the clean-up is ignored
 * (told through `onRepeat`) instead of killing the watchdog halfway through it.
 */
export function watchStopSignals(
  source: SignalSource,
  onRepeat: (signal: NodeJS.Signals, first: string) => void = () => undefined,
): AbortSignal {
  const controller = new AbortController();
  for (const name of STOP_SIGNALS) {
    source.on(name, (signal) => {
      if (controller.signal.aborted) onRepeat(signal, String(controller.signal.reason));
      else controller.abort(signal);
    });
  }
  return controller.signal;
}
