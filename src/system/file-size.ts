import { statSync } from 'node:fs';
import { systemErrorCode } from '../errors.js';

/** The size of a file in bytes; 0 when it does not exist (yet). */
export function fileSizeOrZero(path: string): number {
  try {
    return statSync(path).size;
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') return 0;
    throw error;
  }
}
