/**
 * What a PromQL expression reads: its series selectors (metric name and label matchers) and
 * the labels it groups or matches by. Not a parser: `promtool check rules` says whether the
 * expression parses; this says which names it uses, so a test can hold them to the
 * documented ones. Grafana's `$variables` must be replaced before (a `$` left is a problem).
 */
export interface Matcher {
  readonly label: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  /** The string as written, quotes removed (escapes kept). */
  readonly value: string;
}

export interface Selector {
  /** `undefined` for a selector written as `{...}` alone. */
  readonly name: string | undefined;
  readonly matchers: readonly Matcher[];
}

export interface ExpressionNames {
  readonly selectors: readonly Selector[];
  /** Labels named in `by`, `without`, `on`, `ignoring`, `group_left` and `group_right`. */
  readonly groupingLabels: readonly string[];
  /** What could not be read (an unknown character, an unclosed brace, a malformed matcher). */
  readonly problems: readonly string[];
}

type Token = { kind: 'string' | 'number' | 'name' | 'punct'; text: string };

const TOKEN =
  /\s+|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)|([0-9][0-9a-zA-Z_.]*|\.[0-9]+)|([a-zA-Z_:][a-zA-Z0-9_:]*)|(=~|!~|!=|==|<=|>=|[-+*/%^<>=,(){}[\]@:])/y;

const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'atan2', 'inf', 'nan']);
const AGGREGATIONS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
]);
const MATCH_OPS = new Set(['=', '!=', '=~', '!~']);

function tokenize(expr: string, problems: string[]): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expr.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(expr);
    if (match === null) {
      problems.push(`unexpected ${JSON.stringify(expr[at])} at ${at}`);
      TOKEN.lastIndex = at + 1;
      continue;
    }
    const [, string, number, name, punct] = match;
    if (string !== undefined) tokens.push({ kind: 'string', text: string.slice(1, -1) });
    else if (number !== undefined) tokens.push({ kind: 'number', text: number });
    else if (name !== undefined) tokens.push({ kind: 'name', text: name });
    else if (punct !== undefined) tokens.push({ kind: 'punct', text: punct });
  }
  return tokens;
}

/** The selectors and grouping labels of `expr`. */
export function readExpression(expr: string): ExpressionNames {
  const problems: string[] = [];
  const tokens = tokenize(expr, problems);
  const selectors: Selector[] = [];
  const groupingLabels: string[] = [];
  const at = (index: number): Token | undefined => tokens[index];
  const isPunct = (index: number, text: string): boolean => at(index)?.kind === 'punct' && at(index)?.text === text;

  /** Reads `{label op "value", ...}` from the `{` at `start`; returns the index after `}`. */
  const readMatchers = (start: number, name: string | undefined): number => {
    const matchers: Matcher[] = [];
    let index = start + 1;
    while (!isPunct(index, '}')) {
      const label = at(index);
      const op = at(index + 1);
      const value = at(index + 2);
      if (label?.kind !== 'name' || op === undefined || !MATCH_OPS.has(op.text) || value?.kind !== 'string') {
        problems.push(`a malformed matcher in the selector of ${name ?? '(no name)'}`);
        return tokens.length;
      }
      matchers.push({ label: label.text, op: op.text as Matcher['op'], value: value.text });
      index += 3;
      if (isPunct(index, ',')) index += 1;
    }
    selectors.push({ name, matchers });
    return index + 1;
  };

  let index = 0;
  while (index < tokens.length) {
    const token = tokens[index] as Token;
    if (token.kind === 'name' && GROUPING.has(token.text)) {
      index += 1;
      if (!isPunct(index, '(')) continue;
      for (index += 1; index < tokens.length && !isPunct(index, ')'); index += 1) {
        const label = at(index);
        if (label?.kind === 'name') groupingLabels.push(label.text);
      }
      index += 1;
    } else if (token.kind === 'name' && KEYWORDS.has(token.text)) {
      index += 1;
    } else if (token.kind === 'name') {
      const next = at(index + 1);
      const called = next?.kind === 'punct' && next.text === '(';
      const aggregated = AGGREGATIONS.has(token.text) && next?.kind === 'name' && GROUPING.has(next.text);
      if (called || aggregated) index += 1;
      else if (isPunct(index + 1, '{')) index = readMatchers(index + 1, token.text);
      else {
        selectors.push({ name: token.text, matchers: [] });
        index += 1;
      }
    } else if (token.kind === 'punct' && token.text === '{') {
      index = readMatchers(index, undefined);
    } else if (token.kind === 'punct' && token.text === '[') {
      while (index < tokens.length && !isPunct(index, ']')) index += 1;
      index += 1;
    } else {
      index += 1;
    }
  }
  return { selectors, groupingLabels, problems };
}
