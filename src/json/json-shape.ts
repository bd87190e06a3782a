/** A JSON object (not an array, not null): the shape config sections and heartbeats must have. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
