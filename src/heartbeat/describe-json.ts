/** An array or object being rendered, and how far. */
type Frame =
  | { items: readonly unknown[]; keys: undefined; next: number }
  | { items: Record<string, unknown>; keys: string[]; next: number };

/**
 * A short rendering of an untrusted JSON value for a reason: JSON.stringify's text, cut to
 * `limit` characters with `...` at the end when longer. Only as much is rendered as is
 * shown, with a stack of its own: JSON.stringify recurses, so a heartbeat of a few KB of
 * `[[[[` overflowed the call stack, and the check became `check_error` at every tick
 * instead of `invalid_heartbeat` (issue 19).
 *
 * @example
 * describeJson({ ok: true }); // '{"ok":true}'
 * describeJson(JSON.parse('['.repeat(30000) + ']'.repeat(30000))); // '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[...'
 */
export function describeJson(value: unknown, limit = 40): string {
  const text = renderJson(value, limit + 1);
  return text.length > limit ? `${text.slice(0, limit - 3)}...` : text;
}

/** JSON.stringify(value), or at least its first `budget` characters when it is longer. */
function renderJson(value: unknown, budget: number): string {
  let text = '';
  const stack: Frame[] = [];
  let pending = true;
  let next: unknown = value;
  while (text.length < budget) {
    if (pending) {
      pending = false;
      if (Array.isArray(next)) {
        text += '[';
        stack.push({ items: next, keys: undefined, next: 0 });
      } else if (next !== null && typeof next === 'object') {
        const items = next as Record<string, unknown>;
        text += '{';
        stack.push({ items, keys: Object.keys(items), next: 0 });
      } else {
        text += renderScalar(next, budget - text.length);
      }
      continue;
    }
    const frame = stack.at(-1);
    if (frame === undefined) break;
    const length = frame.keys === undefined ? frame.items.length : frame.keys.length;
    if (frame.next >= length) {
      text += frame.keys === undefined ? ']' : '}';
      stack.pop();
      continue;
    }
    if (frame.next > 0) text += ',';
    if (frame.keys === undefined) {
      next = frame.items[frame.next];
    } else {
      const key = frame.keys[frame.next] ?? '';
      text += `${renderScalar(key, budget - text.length)}:`;
      next = frame.items[key];
    }
    frame.next += 1;
    pending = true;
  }
  return text;
}

/** A string, number, boolean or null as JSON.stringify writes it; a string only as far as `budget` needs. */
function renderScalar(value: unknown, budget: number): string {
  if (typeof value === 'string') return JSON.stringify(value.length > budget ? value.slice(0, budget) : value);
  return JSON.stringify(value) ?? String(value);
}
