/**
 * Whether `pattern` may match a command line whose first 4096 bytes are `cutText` (and that
 * does not match), once the arguments past the cut are counted: always, unless the pattern
 * is anchored at the start on a literal the text does not begin with. `^\/usr\/sbin\/nginx`
 * never matches a line that starts `/usr/bin/java -cp ...`, however it goes on; anything
 * else (`Gateway`, `^.*Gateway`, `^/usr/bin/java .*Gateway`, an alternation, a flag) may.
 * Sound, not complete: a `true` only says the cut line may be the app. Pure.
 */
export function mayMatchPastCut(cutText: string, pattern: RegExp): boolean {
  const prefix = anchoredLiteralPrefix(pattern);
  return prefix === undefined || cutText.startsWith(prefix);
}

/** What never escapes to a literal after a backslash: `\d`, `\b`, `\u0041`... */
const CLASS_ESCAPE = /[0-9A-Za-z]/;
/** A character that ends the literal run: the start of a class, a group, an anchor or a wildcard. */
const SPECIAL = new Set(['.', '[', '(', ')', '^', '$', '|']);
/** A quantifier: the character before it may be absent, or repeated. */
const QUANTIFIER = new Set(['?', '*', '+', '{']);

/**
 * The literal text every match of `pattern` begins with at the start of the line: the run
 * of plain and escaped-punctuation characters after a leading `^`. `undefined` when there is
 * none to rely on: no `^`, an alternation anywhere (`^a|b` matches `b` anywhere), or a flag
 * other than `u` (`i` folds case, `m` lets `^` match after a newline, which arguments may hold).
 */
export function anchoredLiteralPrefix(pattern: RegExp): string | undefined {
  const { source } = pattern;
  if (!source.startsWith('^') || source.includes('|') || pattern.flags.replace('u', '') !== '') return undefined;
  let literal = '';
  for (let index = 1; index < source.length;) {
    const char = source[index] as string;
    let next: string;
    let width: number;
    if (char === '\\') {
      const escaped = source[index + 1];
      if (escaped === undefined || CLASS_ESCAPE.test(escaped)) break;
      next = escaped;
      width = 2;
    } else {
      if (SPECIAL.has(char) || QUANTIFIER.has(char)) break;
      next = char;
      width = 1;
    }
    // `^abc?`: the `c` may be absent; `^abc*`, `^abc{0}` too. Only what comes before it is sure.
    if (QUANTIFIER.has(source[index + width] ?? '')) break;
    literal += next;
    index += width;
  }
  return literal === '' ? undefined : literal;
}
