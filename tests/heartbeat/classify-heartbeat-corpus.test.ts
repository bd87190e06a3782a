import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyHeartbeat, type HealthVerdict } from '../../src/heartbeat/classify-heartbeat.js';
import { HEALTH_STATES } from '../../src/heartbeat/health-state.js';
import { MAX_HEARTBEAT_BYTES } from '../../src/heartbeat/read-heartbeat-file.js';
import { observeIdentity } from '../../src/system/observe-identity.js';
import { fakeSystem } from '../helpers/fake-system.js';

/**
 * Whatever its shape, up to the size limit, a heartbeat gets a state other than
 * `check_error` (the watchdog's own faults) and a reason (issue 19). A corpus of
 * pathological heartbeats, then seeded random mutations of a good one.
 */

const NOW_MS = Date.UTC(2026, 1, 5, 6, 17, 59, 601);
const GOOD = {
  process_key: 'web',
  pid: 12345,
  timestamp: '2026-02-05T06:17:29.601049+00:00',
  status: 'running',
  iteration: 42,
};
const GOOD_TEXT = JSON.stringify(GOOD);
const FIELDS = [
  'process_key',
  'pid',
  'timestamp',
  'status',
  'iteration',
  'pid_start_ticks',
  'boot_id',
  'extra',
] as const;
/** A process table that knows every PID: some alive, some zombies, the rest gone. */
const PROCESSES = fakeSystem({
  processes: [{ pid: 12345 }, { pid: 2 }, { pid: 4_194_304 }, { pid: 300, state: 'Z' }, { pid: 301, thread: true }],
}).processes;

function classify(text: string): HealthVerdict {
  return classifyHeartbeat({
    read: { kind: 'read', text, ownerUid: 0 },
    processKey: 'web',
    timeoutSeconds: 60,
    maxClockSkewSeconds: 60,
    nowMs: NOW_MS,
    liveness: (pid) => PROCESSES.liveness(pid),
    observe: (pid) => observeIdentity(PROCESSES, pid),
    ownUid: 0,
  });
}

/** Why `text` was not classified as it must be, or `undefined` when it was. */
function problemWith(text: string): string | undefined {
  let verdict: HealthVerdict;
  try {
    verdict = classify(text);
  } catch (error) {
    return `threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
  }
  if (verdict.state === 'check_error') return `check_error: ${verdict.reason}`;
  if (!HEALTH_STATES.includes(verdict.state)) return `unknown state ${String(verdict.state)}`;
  if (typeof verdict.reason !== 'string' || verdict.reason.trim() === '') return `${verdict.state} without a reason`;
  return undefined;
}

/** A good heartbeat with `field` set to the JSON text `json` (added when it is not one of the five). */
function withField(field: string, json: string): string {
  const parts = Object.entries(GOOD)
    .filter(([key]) => key !== field)
    .map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`);
  return `{${[...parts, `${JSON.stringify(field)}:${json}`].join(',')}}`;
}

/** `[[[...]]]` or `{"a":{"a":...}}` as deep as fits in `bytes`, around `inner`. */
function nested(kind: 'array' | 'object', bytes: number, inner = '0'): string {
  const [open, close] = kind === 'array' ? ['[', ']'] : ['{"a":', '}'];
  const depth = Math.max(1, Math.floor((bytes - inner.length) / (open.length + close.length)));
  return `${open.repeat(depth)}${inner}${close.repeat(depth)}`;
}

/** What is left of the size limit once a good heartbeat holds the field. */
const ROOM = MAX_HEARTBEAT_BYTES - GOOD_TEXT.length - 40;

const ODD_NUMBERS = [
  '1e400',
  '-1e400',
  '-0',
  '0',
  '1e-400',
  '9007199254740993',
  '9007199254740992',
  '-1',
  '1',
  '2',
  '1.0',
  '1.5',
  '4194304',
  '4194305',
  '1E5',
  '12345.000000000001',
  '1e21',
  '-0.0',
];
const EVERY_TYPE = [
  'null',
  'true',
  'false',
  '0',
  '-1',
  '1.5',
  '""',
  '"x"',
  '"12345"',
  '[]',
  '{}',
  '[12345]',
  '{"a":1}',
  '[null]',
  '{"__proto__":1}',
];

function corpus(): [name: string, text: string][] {
  const cases: [string, string][] = [
    ['empty', ''],
    ['whitespace', ' \n\t\r '],
    ['a UTF-8 BOM, then a good heartbeat', `\ufeff${GOOD_TEXT}`],
    ['a good heartbeat, then a BOM', `${GOOD_TEXT}\ufeff`],
    ['a NUL byte', '\u0000'],
    ['NUL bytes around a good heartbeat', `\u0000${GOOD_TEXT}\u0000`],
    ['raw control characters in a string', GOOD_TEXT.replace('running', 'run\u0001\u001b[2Jning')],
    ['a raw newline in a string', GOOD_TEXT.replace('running', 'run\nning')],
    ['a lone surrogate, raw', GOOD_TEXT.replace('running', '\ud800')],
    ['a key written twice, the bad value last', `${GOOD_TEXT.slice(0, -1)},"pid":-1}`],
    ['a key written twice, the good value last', `{"pid":-1,${GOOD_TEXT.slice(1)}`],
    ['every key written twice', `{${GOOD_TEXT.slice(1, -1)},${GOOD_TEXT.slice(1, -1)}}`],
    ['the five keys inside __proto__', `{"__proto__":${GOOD_TEXT}}`],
    ['__proto__ null', '{"__proto__":null}'],
    [
      '__proto__, constructor and toString beside the five keys',
      `{"__proto__":{"pid":1},"constructor":"x","toString":[],"hasOwnProperty":1,${GOOD_TEXT.slice(1)}`,
    ],
    [
      'keys that are escapes of the five',
      '{"\\u0070id":12345,"process\\u005fkey":"web","timestamp":"2026-02-05T06:17:29.601049+00:00","status":"running","iteration":42}',
    ],
    ['a top-level array as deep as the limit allows', nested('array', MAX_HEARTBEAT_BYTES)],
    ['a top-level object as deep as the limit allows', nested('object', MAX_HEARTBEAT_BYTES)],
    ['top-level nesting with no end', '['.repeat(MAX_HEARTBEAT_BYTES)],
    ['top-level nesting one short of closed', `${'['.repeat(20_000)}${']'.repeat(19_999)}`],
    ['alternating arrays and objects', `${'[{"a":'.repeat(5000)}0${'}]'.repeat(5000)}`],
    ['a string of 64 KiB', JSON.stringify('x'.repeat(MAX_HEARTBEAT_BYTES - 2))],
    ['an array of 30000 numbers', `[${'1,'.repeat(30_000)}1]`],
    ['an object of 5000 keys', `{${Array.from({ length: 5000 }, (_, index) => `"k${index}":${index}`).join(',')}}`],
  ];
  for (const field of FIELDS) {
    cases.push([
      `${field} missing`,
      JSON.stringify(Object.fromEntries(Object.entries(GOOD).filter(([key]) => key !== field))),
    ]);
    cases.push([`${field} nested arrays to the limit`, withField(field, nested('array', ROOM))]);
    cases.push([`${field} nested objects to the limit`, withField(field, nested('object', ROOM))]);
    cases.push([`${field} nested arrays around a good value`, withField(field, nested('array', 20_000, '12345'))]);
    cases.push([`${field} a string of nearly 64 KiB`, withField(field, JSON.stringify('9'.repeat(ROOM)))]);
    cases.push([`${field} a string of escaped NULs`, withField(field, `"${'\\u0000'.repeat(1000)}"`)]);
    cases.push([
      `${field} control characters and escape sequences`,
      withField(field, JSON.stringify('\u001b]0;owned\u0007\u001b[31m\r\u0008\u007f\u009b')),
    ]);
    cases.push([`${field} a lone high surrogate escape`, withField(field, '"\\ud800"')]);
    cases.push([`${field} a lone low surrogate escape`, withField(field, '"2026-02-05T06:17:29\\udc00+00:00"')]);
    cases.push([`${field} a key of a lone surrogate`, withField(field, '{"\\ud800":"\\udfff"}')]);
    for (const number of ODD_NUMBERS) cases.push([`${field} ${number}`, withField(field, number)]);
    for (const json of EVERY_TYPE) cases.push([`${field} ${json}`, withField(field, json)]);
  }
  for (const timestamp of [
    '2026-02-05T06:17:29.601049',
    '0000-01-01T00:00:00+00:00',
    '9999-12-31T23:59:59.999999+23:59',
    '2026-02-05T06:17:29.601049-23:59',
    '2026-02-30T06:17:29+00:00',
    '275760-09-13T00:00:00Z',
    '2026-02-05 06:17:29.999999999Z',
  ]) {
    cases.push([`timestamp ${timestamp}`, withField('timestamp', JSON.stringify(timestamp))]);
  }
  return cases;
}

describe('classifyHeartbeat: a corpus of pathological heartbeats', () => {
  for (const [name, text] of corpus()) {
    it(`${name} (${text.length} chars)`, () => {
      assert.ok(
        Buffer.byteLength(text) <= MAX_HEARTBEAT_BYTES,
        `${Buffer.byteLength(text)} bytes: over the limit, the reader refuses it before it is parsed`,
      );
      assert.equal(problemWith(text), undefined);
    });
  }

  it('still finds the good heartbeat healthy', () => {
    assert.equal(classify(GOOD_TEXT).state, 'healthy');
  });
});

/** mulberry32: a small, seeded generator, so a failure can be replayed. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Pieces a mutation inserts: JSON's own characters, odd ones, and whole odd values. */
const PIECES = [
  '{',
  '}',
  '[',
  ']',
  '"',
  ':',
  ',',
  '\\',
  '\\u',
  '\\ud800',
  '0',
  '-',
  '.',
  'e',
  'E',
  '+',
  '1e400',
  '-0',
  'null',
  'true',
  ' ',
  '\n',
  '\u0000',
  '\u001b',
  '\ufeff',
  '\ud800',
  '\udfff',
  '😀',
  'é',
  '__proto__',
  '"__proto__":',
  '"pid":',
  '[[[[[[[[',
  '{"a":{"a":',
];

function mutate(text: string, random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const at = () => Math.floor(random() * (text.length + 1));
  switch (Math.floor(random() * 8)) {
    case 0: {
      const start = at();
      return text.slice(0, start) + text.slice(start + 1 + Math.floor(random() * 8));
    }
    case 1: {
      const start = at();
      return text.slice(0, start) + pick(PIECES) + text.slice(start);
    }
    case 2: {
      const start = at();
      return text.slice(0, start) + pick(PIECES) + text.slice(start + 1);
    }
    case 3: {
      const start = at();
      const end = Math.min(text.length, start + Math.floor(random() * 40));
      return text.slice(0, end) + text.slice(start, end) + text.slice(end);
    }
    case 4:
      return text.slice(0, at());
    case 5: {
      // Deep nesting in place of a value, as deep as the size limit leaves room for.
      const field = pick(FIELDS);
      const depth = 1 + Math.floor(random() * ((MAX_HEARTBEAT_BYTES - text.length - 100) / 6));
      return withField(field, random() < 0.5 ? nested('array', depth * 2) : nested('object', depth * 6));
    }
    case 6:
      return withField(pick(FIELDS), pick([...ODD_NUMBERS, ...EVERY_TYPE]));
    default: {
      const depth = Math.floor(random() * 50);
      return `${'['.repeat(depth)}${text}${']'.repeat(Math.floor(random() * (depth + 1)))}`;
    }
  }
}

describe('classifyHeartbeat: seeded random mutations of a good heartbeat', () => {
  const seed = Number(process.env.HEARTBEAT_FUZZ_SEED ?? 19);
  const rounds = 4000;

  it(`classifies ${rounds} mutations (seed ${seed}; replay with HEARTBEAT_FUZZ_SEED=${seed})`, () => {
    const random = generator(seed);
    const failures: string[] = [];
    let text = GOOD_TEXT;
    for (let round = 0; round < rounds; round += 1) {
      // Mostly a fresh mutation of the good heartbeat; now and then one more on the last.
      text = mutate(random() < 0.7 ? GOOD_TEXT : text, random);
      if (Buffer.byteLength(text) > MAX_HEARTBEAT_BYTES) text = text.slice(0, MAX_HEARTBEAT_BYTES / 4);
      const problem = problemWith(text);
      if (problem !== undefined) failures.push(`round ${round}: ${problem}: ${JSON.stringify(text.slice(0, 120))}`);
    }
    assert.deepEqual(
      failures.slice(0, 10),
      [],
      `seed ${seed}: ${failures.length} of ${rounds} mutations not classified`,
    );
  });
});
