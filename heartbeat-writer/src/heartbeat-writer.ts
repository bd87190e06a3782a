import { unlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatTimestamp } from './format-timestamp.js';
import type { HeartbeatRecord } from './heartbeat-record.js';
import { makeHeartbeatDir } from './make-heartbeat-dir.js';
import { type ProcessIdentity, readProcessIdentity } from './read-process-identity.js';
import { serializeHeartbeat } from './serialize-heartbeat.js';
import { writeFileAtomic } from './write-file-atomic.js';

/** Options of {@link HeartbeatWriter}. */
export interface HeartbeatWriterOptions {
  /**
   * The folder of the heartbeat file, resolved against the current directory once,
   * when the writer is created. Created (with missing parents) by the first beat
   * that needs it.
   *
   * @example
   * ```ts
   * new HeartbeatWriter({ heartbeatDir: '/var/lib/my-app/heartbeats', processKey: 'my_server' });
   * ```
   */
  readonly heartbeatDir: string;
  /**
   * The key of this process in the watchdog's config (`processes.<key>`), written
   * as `process_key`. Must not be empty.
   *
   * @example
   * ```ts
   * new HeartbeatWriter({ heartbeatDir: '/run/hb', processKey: 'modbus_gateway' });
   * ```
   */
  readonly processKey: string;
  /**
   * The file name inside `heartbeatDir`; `${processKey}.json` by default. A plain
   * name: no `/` or `\`, not `.` or `..`. The watchdog's `heartbeat_path` for this
   * process must name the same file.
   *
   * @example
   * ```ts
   * new HeartbeatWriter({ heartbeatDir: '/run/hb', processKey: 'my_server', filename: 'server.heartbeat.json' });
   * ```
   */
  readonly filename?: string;
}

function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}

function requireNonEmptyString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') {
    const got = typeof value === 'string' ? 'an empty string' : typeof value;
    throw new TypeError(`${name} must be a non-empty string, got ${got}`);
  }
  return value;
}

function requirePlainFilename(filename: string, origin: string): string {
  if (
    filename === '' ||
    filename === '.' ||
    filename === '..' ||
    filename.includes('/') ||
    filename.includes('\\') ||
    filename.includes('\0')
  ) {
    throw new TypeError(
      `${origin} must be a plain file name (not empty, not "." or "..", no path separator), got ${JSON.stringify(filename)}`,
    );
  }
  return filename;
}

/**
 * Writes the heartbeat file that watchdog (and the Python Watchdog before it) reads
 * to decide whether an app is alive and making progress.
 *
 * Every {@link HeartbeatWriter.beat | beat} replaces the file atomically with a
 * fresh timestamp and the next iteration number; {@link HeartbeatWriter.stop | stop}
 * removes it on a clean shutdown. Beat from the app's work loop, so a hung loop
 * stops the beats and the watchdog notices.
 *
 * @example
 * ```ts
 * import { HeartbeatWriter } from 'edge-watchdog-heartbeat';
 *
 * const heartbeat = new HeartbeatWriter({ heartbeatDir: '/var/lib/my-app', processKey: 'my_server' });
 * process.once('SIGTERM', () => {
 *   heartbeat.stop();
 *   process.exit(0);
 * });
 * for (;;) {
 *   await pollDevices();
 *   heartbeat.beat();
 * }
 * ```
 */
export class HeartbeatWriter {
  /**
   * The absolute path of the heartbeat file.
   *
   * @example
   * ```ts
   * new HeartbeatWriter({ heartbeatDir: '/run/hb', processKey: 'a' }).heartbeatPath; // '/run/hb/a.json'
   * ```
   */
  readonly heartbeatPath: string;

  /**
   * The process key written as `process_key`.
   *
   * @example
   * ```ts
   * new HeartbeatWriter({ heartbeatDir: '/run/hb', processKey: 'a' }).processKey; // 'a'
   * ```
   */
  readonly processKey: string;

  readonly #heartbeatDir: string;
  #iterationCount = 0;
  #dirReady = false;
  // Read by the first beat, then reused: it cannot change while the process lives.
  #identity: ProcessIdentity | undefined;

  /**
   * Checks the options; touches no file (the first beat does).
   *
   * @throws TypeError when `processKey` or `heartbeatDir` is empty, or the file name
   *   (given or derived from `processKey`) is not a plain name.
   *
   * @example
   * ```ts
   * const heartbeat = new HeartbeatWriter({ heartbeatDir: './heartbeats', processKey: 'my_server' });
   * ```
   */
  constructor(options: HeartbeatWriterOptions) {
    // Checked at run time too: JavaScript callers get no compile-time help.
    const processKey = requireNonEmptyString(options.processKey, 'processKey');
    const heartbeatDir = requireNonEmptyString(options.heartbeatDir, 'heartbeatDir');
    const filename =
      options.filename === undefined
        ? requirePlainFilename(`${processKey}.json`, `the default file name "\${processKey}.json"`)
        : requirePlainFilename(requireNonEmptyString(options.filename, 'filename'), 'filename');
    this.processKey = processKey;
    this.#heartbeatDir = resolve(heartbeatDir);
    this.heartbeatPath = resolve(this.#heartbeatDir, filename);
  }

  /**
   * How many beats this writer has written; the `iteration` of the last one.
   * A beat that throws does not count, so the iterations in the file stay 1, 2, 3…
   *
   * @example
   * ```ts
   * heartbeat.beat();
   * heartbeat.iterationCount; // 1
   * ```
   */
  get iterationCount(): number {
    return this.#iterationCount;
  }

  /**
   * Writes the next heartbeat, synchronously: iteration `iterationCount + 1`, the
   * current time, `process.pid` and `status`, then (where procfs has them) the
   * process start time and boot ID that tell this process apart from a later one
   * reusing its PID; those two are read by the first beat only. The file is replaced
   * atomically with mode 0o644; the folder is created when missing (again if it
   * vanishes later).
   *
   * A beat that fails throws (for example EACCES or ENOSPC) and leaves no temporary
   * file behind. Apps may catch and log it and carry on: a missed heartbeat is
   * exactly what the watchdog detects anyway.
   *
   * @param status - `"running"` (the default) when healthy. Any other status, such as
   *   `"error"`, makes the watchdog report `error_status` unless the process's
   *   `healthy_statuses` lists it (compared exactly). Any non-empty string is written as is.
   * @throws TypeError when `status` is not a non-empty string.
   *
   * @example
   * ```ts
   * heartbeat.beat();         // status "running"
   * heartbeat.beat('error');  // the app is alive but knows it is broken
   * ```
   */
  beat(status = 'running'): void {
    requireNonEmptyString(status, 'status');
    const iteration = this.#iterationCount + 1;
    // Two small procfs reads on the first beat, none after; never throws.
    this.#identity ??= readProcessIdentity();
    const data = Buffer.from(
      serializeHeartbeat({
        process_key: this.processKey,
        pid: process.pid,
        timestamp: formatTimestamp(new Date()),
        status,
        iteration,
        pid_start_ticks: this.#identity.pid_start_ticks,
        boot_id: this.#identity.boot_id,
      } satisfies HeartbeatRecord),
    );
    this.#write(data);
    this.#iterationCount = iteration;
  }

  /**
   * Removes the heartbeat file, for a clean shutdown: the watchdog then reports
   * `no_heartbeat` instead of waiting for the file to go stale. A missing file is
   * fine, so calling it twice is harmless. A later `beat()` writes the file again.
   *
   * @example
   * ```ts
   * process.once('SIGTERM', () => {
   *   heartbeat.stop();
   *   process.exit(0);
   * });
   * ```
   */
  stop(): void {
    try {
      unlinkSync(this.heartbeatPath);
    } catch (error) {
      if (isErrnoException(error) && error.code === 'ENOENT') return;
      throw error;
    }
  }

  #write(data: Buffer): void {
    // One mkdir on the first beat, none after: a beat stays a handful of syscalls.
    if (!this.#dirReady) {
      makeHeartbeatDir(this.#heartbeatDir);
      this.#dirReady = true;
    }
    try {
      writeFileAtomic(this.heartbeatPath, data);
    } catch (error) {
      // The folder vanished since (a cleaned /tmp, a removed tmpfs): recreate, retry once.
      if (!(isErrnoException(error) && error.code === 'ENOENT')) throw error;
      makeHeartbeatDir(this.#heartbeatDir);
      writeFileAtomic(this.heartbeatPath, data);
    }
  }
}
