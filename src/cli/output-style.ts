import { decideColor } from '../display/decide-color.js';
import type { CliIo } from './io.js';

/** How a command prints for a person: cut to a terminal's width or whole, coloured or not. */
export interface OutputStyle {
  /** The terminal's width in columns; `undefined` when standard output is no terminal (a pipe, a file, cron): lines whole. */
  width: number | undefined;
  color: boolean;
}

/** The width a terminal is taken to have when it reports none (a pseudo-terminal nobody sized) and `COLUMNS` is unset. */
export const FALLBACK_COLUMNS = 80;

/**
 * The output style of a command from what `io` says of standard output and the environment,
 * and `--no-color` (`colorFlag` false). Pure given `io`.
 */
export function outputStyleOf(io: Pick<CliIo, 'isTTY' | 'columns' | 'env'>, colorFlag?: boolean): OutputStyle {
  const isTTY = io.isTTY === true;
  return {
    width: isTTY ? terminalWidth(io.columns, io.env) : undefined,
    color: decideColor({ isTTY, env: io.env, flag: colorFlag }),
  };
}

/** The terminal's own width; else `COLUMNS`; else {@link FALLBACK_COLUMNS}. */
function terminalWidth(columns: number | undefined, env: Readonly<Record<string, string | undefined>>): number {
  if (columns !== undefined && Number.isInteger(columns) && columns > 0) return columns;
  const fromEnv = Number(env.COLUMNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : FALLBACK_COLUMNS;
}
