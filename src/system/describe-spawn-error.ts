import { statSync } from 'node:fs';
import { describeError, systemErrorCode } from '../errors.js';

/**
 * A one-line reason why `/bin/sh` could not be started in `cwd`. Node reports a missing
 * working folder as `spawn /bin/sh ENOENT`, blaming the shell (nodejs/node#11520,
 * nodejs/node#45279), so on ENOENT or ENOTDIR the folder is checked and named instead.
 */
export function describeSpawnError(error: unknown, cwd: string): string {
  const code = systemErrorCode(error);
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    const problem = workingFolderProblem(cwd);
    if (problem !== undefined) return `${problem} (${describeError(error)})`;
  }
  return describeError(error);
}

function workingFolderProblem(cwd: string): string | undefined {
  try {
    return statSync(cwd).isDirectory() ? undefined : `the working folder ${cwd} is not a folder`;
  } catch (error) {
    const code = systemErrorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return `the working folder ${cwd} does not exist`;
    // Any other reason it cannot be read is not what made the spawn fail with ENOENT.
    return undefined;
  }
}
