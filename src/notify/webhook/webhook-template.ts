import type { EventPayload } from '../watchdog-event.js';
import type { DetailValue } from '../watchdog-event.js';

/**
 * A webhook body the user writes: any JSON value whose strings may hold references to the
 * event's fields, `{{summary}}` or `{{details.recovery_id}}` (braces, so they cannot be
 * taken for the `${NAME}` references to the environment). Each string is filled and the
 * whole value written with `JSON.stringify`, so the body is valid JSON whatever an app put
 * in its text. A string that is one reference and nothing else takes the field's own JSON
 * value (a number, `null`, the `details` object); inside a longer string a field is put as
 * text (`null` as nothing, an object as its JSON).
 */

/** What a template may refer to: the payload's fields, and `details.<name>`. */
export const TEMPLATE_FIELDS = [
  'version',
  'event',
  'time',
  'host',
  'process_key',
  'display_name',
  'interface',
  'zone',
  'summary',
  'details',
  'notification_id',
] as const;

const REFERENCE = /\{\{([^{}]*)\}\}/g;
const DETAIL = /^details\.([A-Za-z_][A-Za-z0-9_]*)$/;
/** Deeper than any body a receiver wants; a bound on the walk. */
const MAX_DEPTH = 16;

/** One piece of a template string: text as written, or a reference to fill. */
type Piece = { kind: 'text'; text: string } | { kind: 'field'; name: string };

/** A string cut into its pieces; an error for a reference that names nothing the event has. */
function piecesOf(text: string): { pieces: Piece[]; errors: string[] } {
  const pieces: Piece[] = [];
  const errors: string[] = [];
  let last = 0;
  for (const match of text.matchAll(REFERENCE)) {
    const name = (match[1] ?? '').trim();
    if (!isField(name))
      errors.push(
        `unknown reference {{${match[1] ?? ''}}}; a template may refer to ${TEMPLATE_FIELDS.map((field) => `{{${field}}}`).join(', ')} and {{details.<name>}}`,
      );
    pieces.push({ kind: 'text', text: text.slice(last, match.index) }, { kind: 'field', name });
    last = match.index + match[0].length;
  }
  pieces.push({ kind: 'text', text: text.slice(last) });
  const stray = pieces.some((piece) => piece.kind === 'text' && /\{\{|\}\}/.test(piece.text));
  if (stray && errors.length === 0) errors.push('a "{{" or "}}" that is not part of a reference such as {{summary}}');
  return { pieces: pieces.filter((piece) => piece.kind === 'field' || piece.text !== ''), errors };
}

function isField(name: string): boolean {
  return (TEMPLATE_FIELDS as readonly string[]).includes(name) || DETAIL.test(name);
}

/**
 * Every problem of a template, as `path: message` lines under `at`: unknown references,
 * stray braces, references in keys (which are never filled), a body nested too deep. Pure.
 */
export function checkTemplate(template: unknown, at: string): string[] {
  const errors: string[] = [];
  const walk = (value: unknown, path: string, depth: number): void => {
    if (depth > MAX_DEPTH) {
      errors.push(`${path}: nested more than ${MAX_DEPTH} levels deep`);
      return;
    }
    if (typeof value === 'string') errors.push(...piecesOf(value).errors.map((error) => `${path}: ${error}`));
    else if (Array.isArray(value)) value.forEach((item, index) => walk(item, `${path}[${index}]`, depth + 1));
    else if (typeof value === 'object' && value !== null)
      for (const [key, item] of Object.entries(value)) {
        if (/\{\{|\}\}/.test(key)) errors.push(`${path}.${key}: a key is not filled; put references in values`);
        walk(item, `${path}.${key}`, depth + 1);
      }
  };
  walk(template, at, 0);
  return errors;
}

/** The strings of a template as written, for the `${NAME}` references they hold. */
export function templateStrings(template: unknown): string[] {
  if (typeof template === 'string') return [template];
  if (Array.isArray(template)) return template.flatMap(templateStrings);
  if (typeof template === 'object' && template !== null) return Object.values(template).flatMap(templateStrings);
  return [];
}

type PayloadValue = DetailValue | Record<string, DetailValue>;

function valueOf(payload: EventPayload & { notification_id: number }, name: string): PayloadValue {
  const detail = DETAIL.exec(name);
  if (detail !== null) {
    // The event's own details only: `constructor` or `__proto__` are Object's, not the event's.
    const key = detail[1] ?? '';
    return Object.hasOwn(payload.details, key) ? (payload.details[key] ?? null) : null;
  }
  return (payload as unknown as Record<string, PayloadValue | undefined>)[name] ?? null;
}

function asText(value: PayloadValue): string {
  if (value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * The template filled with the event: the body as JSON text. `expandText` fills the
 * `${NAME}` references of the text the user wrote (never of the event's values: an app's
 * summary that reads `${SMTP_PASSWORD}` stays that text). Expects a template that passed
 * {@link checkTemplate}.
 */
export function fillTemplate(
  template: unknown,
  payload: EventPayload & { notification_id: number },
  expandText: (text: string) => string,
): string {
  const fill = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const { pieces } = piecesOf(value);
      const [only] = pieces;
      if (pieces.length === 1 && only?.kind === 'field') return valueOf(payload, only.name);
      return pieces
        .map((piece) => (piece.kind === 'text' ? expandText(piece.text) : asText(valueOf(payload, piece.name))))
        .join('');
    }
    if (Array.isArray(value)) return value.map(fill);
    if (typeof value === 'object' && value !== null)
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fill(item)]));
    return value;
  };
  return JSON.stringify(fill(template));
}
