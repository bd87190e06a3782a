/**
 * The content of a heartbeat file, exactly as the Python Watchdog writes it.
 *
 * The five keys are written in this order. Readers must ignore unknown keys, so a
 * later version may append optional keys; these five keep their meaning.
 *
 * @example
 * ```json
 * {"process_key": "my_server", "pid": 12345, "timestamp": "2026-02-05T06:17:29.601000+00:00", "status": "running", "iteration": 42}
 * ```
 */
export interface HeartbeatRecord {
  /** The key of the process in the watchdog's config (`processes.<key>`). */
  readonly process_key: string;
  /** The PID of the process that wrote the beat (`process.pid`). */
  readonly pid: number;
  /**
   * When the beat was written: UTC, ISO 8601, always six fractional digits and a
   * `+00:00` offset, as Python's `datetime.now(timezone.utc).isoformat()` prints it.
   */
  readonly timestamp: string;
  /** `"running"` when healthy; `"error"` makes the watchdog report `error_status`. */
  readonly status: string;
  /** 1 for the first beat of this writer, then one more for every beat written. */
  readonly iteration: number;
}
