/**
 * The content of a heartbeat file: the five keys of the Python Watchdog's format,
 * then two optional keys that identify the writing process.
 *
 * The keys are written in this order. Readers must ignore unknown keys, so the
 * optional ones are appended and the five keep their meaning; readers that predate
 * them (the Python Watchdog among them) read the file as before.
 *
 * @example
 * ```json
 * {"process_key": "my_server", "pid": 12345, "timestamp": "2026-02-05T06:17:29.601000+00:00", "status": "running", "iteration": 42, "pid_start_ticks": 1061811, "boot_id": "c56eb81d-1067-4a71-a9b6-3578e853042b"}
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
  /**
   * `"running"` when healthy. Any other status (`"error"`, `"degraded"`, `"Running"`)
   * makes the watchdog report `error_status`, as the Python Watchdog does, unless the
   * process's `healthy_statuses` lists it.
   */
  readonly status: string;
  /** 1 for the first beat of this writer, then one more for every beat written. */
  readonly iteration: number;
  /**
   * When the writing process started: field 22 (`starttime`) of `/proc/self/stat`,
   * in clock ticks since boot. A PID is reused once its process is gone, so `pid`
   * alone could name an unrelated process; with the same PID and a different start
   * time the watchdog knows that process is not the app and never signals it.
   * Absent when it cannot be read (no procfs, e.g. not Linux).
   */
  readonly pid_start_ticks?: number;
  /**
   * The boot the beat was written in: `/proc/sys/kernel/random/boot_id`, a UUID that
   * changes at every boot. Start ticks count from boot, so they only identify a
   * process together with the boot: after a reboot the same PID and start time can
   * belong to another process. Absent when it cannot be read (no procfs, e.g. not Linux).
   */
  readonly boot_id?: string;
}
