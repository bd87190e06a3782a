import { findDuplicateKeys, type DuplicateKey, type KeyOccurrence } from './find-duplicate-keys.js';
import { isPlainObject } from '../json/json-shape.js';

/**
 * The problems of the keys `text` writes more than once: one line for each such key, and the
 * problems of the values JSON.parse dropped for it, which would otherwise never be seen (a
 * process block pasted twice and edited in the first copy). `validate` reports the problems
 * of a whole config; it runs once for each dropped value, so only for a config with
 * duplicates.
 */
export function checkDuplicateKeys(text: string, data: unknown, validate: (data: unknown) => string[]): string[] {
  const duplicates = findDuplicateKeys(text);
  if (duplicates.length === 0) return [];
  const dropped = duplicates.flatMap((duplicate) => duplicate.occurrences.slice(0, -1));
  const lines = duplicates.map(describeDuplicate);
  for (const duplicate of duplicates) {
    for (const occurrence of duplicate.occurrences.slice(0, -1)) {
      // Inside a value that was itself dropped, the config around it is not the one parsed.
      if (
        dropped.some(
          (outer) =>
            outer !== occurrence && outer.valueStart < occurrence.valueStart && occurrence.valueEnd <= outer.valueEnd,
        )
      )
        continue;
      const config = withValueAt(
        data,
        duplicate.segments,
        JSON.parse(text.slice(occurrence.valueStart, occurrence.valueEnd)),
      );
      if (config === undefined) continue;
      const within = validate(config).filter((line) =>
        [':', '.', '['].some((next) => line.startsWith(`${duplicate.path}${next}`)),
      );
      lines.push(
        ...within.map(
          (line) => `${line} (in the ${duplicate.path} of line ${occurrence.line}, which a later one replaces)`,
        ),
      );
    }
  }
  return lines;
}

function describeDuplicate({ path, occurrences }: DuplicateKey): string {
  const where = listLines(occurrences);
  const times = occurrences.length === 2 ? 'twice' : `${occurrences.length} times`;
  const fix = occurrences.length === 2 ? 'remove or rename one' : 'keep one';
  return `${path}: written ${times} (lines ${where}); JSON keeps only the last, so ${fix}`;
}

function listLines(occurrences: readonly KeyOccurrence[]): string {
  const lines = occurrences.map((occurrence) => String(occurrence.line));
  return lines.length <= 2 ? lines.join(' and ') : `${lines.slice(0, -1).join(', ')} and ${lines.at(-1) ?? ''}`;
}

/**
 * `data` with `value` at `segments`, the objects and arrays on the way copied; `undefined`
 * when the path leads nowhere. Keys are defined, not assigned, so `__proto__` stays a key.
 */
function withValueAt(data: unknown, segments: readonly (string | number)[], value: unknown): unknown {
  const path: unknown[] = [data];
  for (const segment of segments.slice(0, -1)) {
    const node = path.at(-1);
    const next = childOf(node, segment);
    if (next === undefined) return undefined;
    path.push(next);
  }
  let replaced = value;
  for (let depth = segments.length - 1; depth >= 0; depth -= 1) {
    const node = path[depth];
    const segment = segments[depth];
    if (segment === undefined) return undefined;
    if (Array.isArray(node) && typeof segment === 'number') {
      const copy = [...(node as unknown[])];
      copy[segment] = replaced;
      replaced = copy;
    } else if (isPlainObject(node) && typeof segment === 'string') {
      const copy = { ...node };
      Object.defineProperty(copy, segment, { value: replaced, enumerable: true, writable: true, configurable: true });
      replaced = copy;
    } else {
      return undefined;
    }
  }
  return replaced;
}

function childOf(node: unknown, segment: string | number): unknown {
  if (Array.isArray(node)) return typeof segment === 'number' ? (node as unknown[])[segment] : undefined;
  if (isPlainObject(node) && typeof segment === 'string' && Object.hasOwn(node, segment)) return node[segment];
  return undefined;
}
