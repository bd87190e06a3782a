/** The command line's side of the world, passed in so commands run in tests without a terminal. */
export interface CliIo {
  /**
   * Writes one line to standard output. Text an app or a command shaped must be escaped
   * first (`src/display/escape-untrusted.ts`), to one line; the bin escapes control
   * characters again as a last guard.
   */
  out: (line: string) => void;
  /** Writes one line to standard error; the same rules as `out`. */
  err: (line: string) => void;
  env: Record<string, string | undefined>;
  cwd: string;
  /**
   * Aborted (its reason the signal's name) when SIGTERM, SIGINT or SIGHUP asks the run to
   * stop; default: never.
   */
  signal?: AbortSignal | undefined;
  /** The terminal's width, when standard output is one (0 or `undefined` when it reports none). */
  columns?: number | undefined;
  /**
   * Standard output is a terminal: `status` fits its width, colour is on (unless `NO_COLOR`
   * or `--no-color`), `check` says what it did. Default: not a terminal, whole lines, no colour.
   */
  isTTY?: boolean | undefined;
}
