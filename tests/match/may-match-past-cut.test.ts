import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { anchoredLiteralPrefix, mayMatchPastCut } from '../../src/match/may-match-past-cut.js';

const JAVA_CUT = `/usr/bin/java -cp ${Array.from({ length: 200 }, (_, i) => `/opt/lib/dep-${i}.jar`).join(':')}`.slice(
  0,
  4096,
);

describe('anchoredLiteralPrefix', () => {
  const cases: [RegExp, string | undefined][] = [
    [/^\/usr\/sbin\/mosquitto -c/u, '/usr/sbin/mosquitto -c'],
    [/^nginx: master process/u, 'nginx: master process'],
    [/^\/usr\/bin\/java .*Gateway/u, '/usr/bin/java '],
    [/^abc?/u, 'ab'],
    [/^abc*/u, 'ab'],
    [/^abc+/u, 'ab'],
    [/^abc{2}/u, 'ab'],
    [/^a\.b\d/u, 'a.b'],
    [/^\d+ x/u, undefined],
    [/^.*Gateway/u, undefined],
    [/^(java|node) x/u, undefined],
    [/^java x|Gateway/u, undefined],
    [/Gateway/u, undefined],
    [/com\.example\.Gateway$/u, undefined],
    [/^java/iu, undefined],
    [/^java/mu, undefined],
    [/^[j]ava/u, undefined],
  ];
  for (const [pattern, prefix] of cases) {
    it(`${String(pattern)} → ${JSON.stringify(prefix)}`, () => {
      assert.equal(anchoredLiteralPrefix(pattern), prefix);
    });
  }
});

describe('mayMatchPastCut', () => {
  const cases: [string, RegExp, boolean][] = [
    ['an unanchored pattern may match past the cut', /com\.example\.Gateway/u, true],
    ['a pattern anchored on the same program may', /^\/usr\/bin\/java .*com\.example\.Gateway/u, true],
    ['a pattern anchored on another program never does', /^\/usr\/sbin\/mosquitto/u, false],
    ['a pattern anchored with a wildcard first may', /^.*Gateway/u, true],
    ['an alternation may', /^\/usr\/sbin\/mosquitto|Gateway/u, true],
  ];
  for (const [name, pattern, expected] of cases) {
    it(name, () => {
      assert.equal(mayMatchPastCut(JAVA_CUT, pattern), expected);
    });
  }
});
