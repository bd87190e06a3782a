/** The command line's side of the world, passed in so commands run in tests without a terminal. */
export interface CliIo {
  /** Writes one line to standard output. */
  out: (line: string) => void;
  /** Writes one line to standard error. */
  err: (line: string) => void;
  env: Record<string, string | undefined>;
  cwd: string;
  /** The terminal's width, when standard output is one. */
  columns?: number | undefined;
}
