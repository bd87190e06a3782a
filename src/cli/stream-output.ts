import { systemErrorCode } from '../errors.js';

/** What the bin needs of standard output or standard error (a `net.Socket`, a `tty.WriteStream`, a file). */
export type OutputStream = Pick<NodeJS.WritableStream, 'write' | 'on'>;

/**
 * One of the bin's standard streams. Writes are queued in order and never wait for the
 * reader, so a slow or stuck pipe cannot stall a tick that holds the lock; {@link flush}
 * waits, at the end, until all of it has reached the pipe, file or terminal.
 */
export interface StreamOutput {
  write(text: string): void;
  /** Resolves once everything written has been handed to the kernel, or the stream failed. Never rejects. */
  flush(): Promise<void>;
  /** The error that ended writing (EPIPE: the reader went away), if one did. */
  failure(): Error | undefined;
}

/**
 * Wraps a standard stream, opened on the first write: `process.stdout` loads Node's stream
 * and terminal modules, which a cron tick that prints nothing need not pay for.
 *
 * A write error (EPIPE from `watchdog status | head -1`, ENOSPC on a full disk) is kept, not
 * thrown: what follows is dropped and the command runs on to its end. An unhandled `error`
 * event would print a stack trace and end the process in the middle of a recovery.
 *
 * @example
 * const stdout = createStreamOutput(() => process.stdout);
 * stdout.write('one line\n');
 * await stdout.flush();
 */
export function createStreamOutput(open: () => OutputStream): StreamOutput {
  let stream: OutputStream | undefined;
  let failed: Error | undefined;
  const opened = (): OutputStream => {
    if (stream === undefined) {
      stream = open();
      stream.on('error', (error: Error) => {
        failed ??= error;
      });
    }
    return stream;
  };
  return {
    write: (text) => {
      if (failed === undefined) opened().write(text);
    },
    flush: () =>
      stream === undefined || failed !== undefined
        ? Promise.resolve()
        : // An empty write's callback runs after every earlier write has completed (or failed).
          new Promise((resolve) => {
            opened().write('', () => resolve());
          }),
    failure: () => failed,
  };
}

/** Whether a write error means only that the reader went away (`| head -1`), which is no failure of the command. */
export function isReaderGone(error: Error): boolean {
  return systemErrorCode(error) === 'EPIPE';
}
