import { lstatSync } from 'node:fs';
import { systemErrorCode } from '../errors.js';

/**
 * The size of the regular file at `path`, never following a link there; 0 when nothing is
 * there yet, or something else is (a link, a folder): what rotation weighs before it renames.
 */
export function regularFileSizeOrZero(path: string): number {
  try {
    const stat = lstatSync(path);
    return stat.isFile() ? stat.size : 0;
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') return 0;
    throw error;
  }
}
