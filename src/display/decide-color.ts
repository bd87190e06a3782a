/** What decides whether output is coloured. */
export interface ColorFacts {
  /** Standard output is a terminal. */
  isTTY: boolean;
  env: Readonly<Record<string, string | undefined>>;
  /** `false` for `--no-color`; `undefined` or `true` leaves it to the rest. */
  flag?: boolean | undefined;
}

/**
 * Whether to colour: only on a terminal, never with `--no-color`, with `NO_COLOR` set to
 * anything but the empty string (no-color.org), with `FORCE_COLOR` set to `0` or `false` (as
 * Node reads it), or with `TERM=dumb`. Pure.
 *
 * Unlike Node, `FORCE_COLOR=1` does not put colour into a pipe or a file: what the watchdog
 * prints there goes to cron's mail, the journal and log files, where escape codes are
 * noise, and `FORCE_COLOR` leaks into places nobody chose (`node --test` sets it for its
 * child processes when it runs in a terminal, and CI systems set it for their own tools).
 *
 * @example
 * decideColor({ isTTY: true, env: { NO_COLOR: '1' } }); // false
 */
export function decideColor({ isTTY, env, flag }: ColorFacts): boolean {
  if (!isTTY || flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false') return false;
  return env.TERM !== 'dumb';
}
