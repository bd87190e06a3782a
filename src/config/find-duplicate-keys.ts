/** A key written more than once in one JSON object. */
export interface DuplicateKey {
  /** The key's path as `path: message` lines write it: `processes.web`, `network.ladder[1].name`. */
  path: string;
  /** The same path as keys and array indexes, to find the value in the parsed data. */
  segments: (string | number)[];
  /** Every occurrence, in the order written: JSON.parse keeps the last one's value. */
  occurrences: KeyOccurrence[];
}

export interface KeyOccurrence {
  /** The line of the key, from 1. */
  line: number;
  /** Where its value is in the text: `text.slice(valueStart, valueEnd)` parses as that value. */
  valueStart: number;
  valueEnd: number;
}

/** An object or array being read, with the way back to its parent. */
interface Frame {
  parent: Frame | undefined;
  /** Its key in the parent object or its index in the parent array; `undefined` at the top. */
  segment: string | number | undefined;
  isObject: boolean;
  /** Whether the next string is a key (objects). */
  expectKey: boolean;
  /** The key whose value is being read (objects). */
  key: string;
  /** The index of the value being read (arrays). */
  index: number;
  /** Where each key seen so far starts (objects, from their second key on; the first is below). */
  keys: Map<string, number> | undefined;
  firstKey: string | undefined;
  firstKeyAt: number;
  /** Where each key written more than once starts, every time (objects that have one). */
  repeated: Map<string, number[]> | undefined;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/**
 * Every object key written more than once in a JSON text, at any depth: JSON.parse keeps
 * the last silently, so a process block pasted twice would lose the first without a word.
 * Keys compare as JSON.parse decodes them (`"a"` and `"\u0061"` are one key). Expects text
 * that JSON.parse accepted.
 *
 * One pass over the text with a stack of its own (no nesting overflows it), doing nothing
 * per key but a lookup: a tick pays it for its config at every start (lines and the extent
 * of values are worked out only for the keys found twice).
 *
 * @example
 * findDuplicateKeys('{"processes": {\n"web": {},\n"web": {}}}');
 * // [{ path: 'processes.web', segments: ['processes', 'web'], occurrences: [{ line: 2, ... }, { line: 3, ... }] }]
 */
export function findDuplicateKeys(text: string): DuplicateKey[] {
  const withRepeats: Frame[] = [];
  let top: Frame | undefined;
  for (let index = 0; index < text.length; index += 1) {
    switch (text.charCodeAt(index)) {
      case QUOTE: {
        const end = closingQuote(text, index);
        if (top?.expectKey === true) {
          const key = keyOf(text, index, end);
          if (noteKey(top, key, index)) withRepeats.push(top);
          top.key = key;
          top.expectKey = false;
        }
        index = end;
        break;
      }
      case COMMA:
        if (top === undefined) break;
        if (top.isObject) top.expectKey = true;
        else top.index += 1;
        break;
      case OPEN_OBJECT:
      case OPEN_ARRAY: {
        const isObject = text.charCodeAt(index) === OPEN_OBJECT;
        const segment = top === undefined ? undefined : top.isObject ? top.key : top.index;
        top = {
          parent: top,
          segment,
          isObject,
          expectKey: isObject,
          key: '',
          index: 0,
          keys: undefined,
          firstKey: undefined,
          firstKeyAt: -1,
          repeated: undefined,
        };
        break;
      }
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        top = top?.parent;
        break;
      default:
        break;
    }
  }
  return withRepeats.flatMap((frame) => describeRepeats(text, frame));
}

/**
 * Records a key of `frame` starting at `at`; true when it is the first key of the frame
 * written twice (the frame then has repeats to report).
 */
function noteKey(frame: Frame, key: string, at: number): boolean {
  if (frame.firstKey === undefined) {
    frame.firstKey = key;
    frame.firstKeyAt = at;
    return false;
  }
  frame.keys ??= new Map([[frame.firstKey, frame.firstKeyAt]]);
  const seenAt = frame.keys.get(key);
  if (seenAt === undefined) {
    frame.keys.set(key, at);
    return false;
  }
  const firstRepeat = frame.repeated === undefined;
  frame.repeated ??= new Map();
  const starts = frame.repeated.get(key);
  if (starts === undefined) frame.repeated.set(key, [seenAt, at]);
  else starts.push(at);
  return firstRepeat;
}

/** The key of the string from `start` to `end` (its quotes), as JSON.parse decodes it. */
function keyOf(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end);
  return raw.includes('\\') ? (JSON.parse(text.slice(start, end + 1)) as string) : raw;
}

/** The index of the quote that ends the string opening at `start`. */
function closingQuote(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  while (end > 0) {
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  // Unterminated: not JSON.parse's text. Stop at the end rather than loop.
  return text.length;
}

function describeRepeats(text: string, frame: Frame): DuplicateKey[] {
  const parent = segmentsOf(frame);
  return [...(frame.repeated ?? [])].map(([key, starts]) => {
    const segments = [...parent, key];
    return { path: formatSegments(segments), segments, occurrences: starts.map((start) => occurrenceAt(text, start)) };
  });
}

/** Where the key whose string starts at `keyStart` is: its line, and the extent of its value. */
function occurrenceAt(text: string, keyStart: number): KeyOccurrence {
  let line = 1;
  for (let at = text.indexOf('\n'); at !== -1 && at < keyStart; at = text.indexOf('\n', at + 1)) line += 1;
  const valueStart = text.indexOf(':', closingQuote(text, keyStart)) + 1;
  return { line, valueStart, valueEnd: valueEndFrom(text, valueStart) };
}

/** The end of the value that starts at `start`: the `,`, `}` or `]` after it, outside any string or nesting. */
function valueEndFrom(text: string, start: number): number {
  let depth = 0;
  for (let index = start; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) index = closingQuote(text, index);
    else if (code === OPEN_OBJECT || code === OPEN_ARRAY) depth += 1;
    else if ((code === CLOSE_OBJECT || code === CLOSE_ARRAY) && depth > 0) depth -= 1;
    else if ((code === COMMA || code === CLOSE_OBJECT || code === CLOSE_ARRAY) && depth === 0) return index;
  }
  return text.length;
}

function segmentsOf(frame: Frame): (string | number)[] {
  const segments: (string | number)[] = [];
  for (let at: Frame | undefined = frame; at?.segment !== undefined; at = at.parent) segments.push(at.segment);
  return segments.reverse();
}

/** `['network', 'ladder', 1, 'name']` → `network.ladder[1].name`, as the schema's errors write paths. */
function formatSegments(segments: readonly (string | number)[]): string {
  let path = '';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else path = path === '' ? segment : `${path}.${segment}`;
  }
  return path;
}
