/**
 * The name of the signal (SIGTERM, SIGINT, SIGHUP) that asked the run to stop, once it did;
 * `undefined` while the run may go on. The bin aborts with the signal's name as the reason.
 */
export function stopSignalOf(signal: AbortSignal | undefined): string | undefined {
  return signal?.aborted === true ? String(signal.reason) : undefined;
}
