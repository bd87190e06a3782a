import { findOnPath as findIn, TOOLS } from '../../scripts/test-prerequisites.mjs';

/** The first executable named `name` on PATH, or `undefined` (as `npm test`'s prerequisite check looks). */
export function findOnPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  return findIn(name, path);
}

/**
 * The path of a tool `npm test` checks for first (scripts/test-prerequisites.mjs); throws,
 * naming its Debian package, when it is missing. A test that needs such a tool fails without
 * it rather than skip: a skip would hide that the tool is missing.
 */
export function requireOnPath(name: string): string {
  const found = findOnPath(name);
  if (found !== undefined) return found;
  const tool = TOOLS.find((entry) => entry.command === name);
  throw new Error(
    `${name} is not installed${tool === undefined ? '' : ` (apt-get install -y ${tool.package})`}; npm test checks for it first`,
  );
}
