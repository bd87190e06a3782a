/**
 * Whether an event is sent, given when the same event for the same process (or interface)
 * was last queued for the channel: not again within `repeatAfterSeconds`. A last time in
 * the future means the clock was set back: sent rather than held for an unknown time. Pure.
 */
export function isRepeat(lastQueuedAt: string | undefined, nowMs: number, repeatAfterSeconds: number): boolean {
  if (lastQueuedAt === undefined || repeatAfterSeconds <= 0) return false;
  const sinceMs = nowMs - Date.parse(lastQueuedAt);
  return sinceMs >= 0 && sinceMs < repeatAfterSeconds * 1000;
}
