/** A heartbeat as `watchdog beat` writes it: the Python Watchdog's five keys, then the writer's identity. */
export interface BeatRecord {
  process_key: string;
  pid: number;
  /** UTC, as Python's `isoformat()` writes it, `+00:00`. */
  timestamp: string;
  status: string;
  iteration: number;
  /** Field 22 of `/proc/PID/stat`; left out when unknown. */
  pid_start_ticks?: number | undefined;
  /** This boot's id; left out when unknown. */
  boot_id?: string | undefined;
}

const NON_ASCII = /[\u0080-\uffff]/g;

/**
 * The text of a heartbeat file, byte for byte what Python's `json.dumps` (and the
 * heartbeat-writer library) writes for it: the keys in the order above, `", "` and `": "`
 * between them, non-ASCII as `\uXXXX`; identity keys left out when unknown.
 *
 * @example
 * formatHeartbeat({ process_key: 'job', pid: 7, timestamp: 't', status: 'running', iteration: 1 });
 * // => '{"process_key": "job", "pid": 7, "timestamp": "t", "status": "running", "iteration": 1}'
 */
export function formatHeartbeat(record: BeatRecord): string {
  const entries: [string, string | number | undefined][] = [
    ['process_key', record.process_key],
    ['pid', record.pid],
    ['timestamp', record.timestamp],
    ['status', record.status],
    ['iteration', record.iteration],
    ['pid_start_ticks', record.pid_start_ticks],
    ['boot_id', record.boot_id],
  ];
  const fields = entries
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `"${key}": ${JSON.stringify(value)}`);
  return `{${fields.join(', ')}}`.replace(
    NON_ASCII,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
