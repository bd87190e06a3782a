/** `4.2s`, `95s`, `2m 05s`, `3h 10m`: durations for reasons and tables. */
export function formatSeconds(seconds: number): string {
  // What a recovery action takes is often under a tenth of a second: say so, not "0s".
  if (seconds > 0 && seconds < 0.1) return `${Math.max(1, Math.round(seconds * 1000))}ms`;
  if (seconds < 10) return `${Math.round(seconds * 10) / 10}s`;
  const whole = Math.round(seconds);
  if (whole < 120) return `${whole}s`;
  if (whole < 7200) return `${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, '0')}s`;
  if (whole < 172800)
    return `${Math.floor(whole / 3600)}h ${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(whole / 86400)}d ${Math.floor((whole % 86400) / 3600)}h`;
}
