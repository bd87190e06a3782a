import type { EventPayload } from '../watchdog-event.js';

/** Most facts a chat message lists: the event's own, then its details. */
const MAX_FACTS = 16;

/**
 * What a chat message says of an event, as name and value pairs, raw (each format escapes
 * them for its receiver): what it is about, when, then its `details`. Pure.
 */
export function factsOf(payload: EventPayload): [string, string][] {
  const facts: [string, string][] = [['event', payload.event]];
  if (payload.process_key !== null)
    facts.push([
      'process',
      payload.display_name === null ? payload.process_key : `${payload.process_key} (${payload.display_name})`,
    ]);
  if (payload.interface !== null) facts.push(['interface', payload.interface]);
  if (payload.zone !== null) facts.push(['zone', payload.zone]);
  facts.push(['host', payload.host], ['time', payload.time]);
  for (const [name, value] of Object.entries(payload.details ?? {})) facts.push([name, String(value)]);
  return facts.slice(0, MAX_FACTS);
}

/** The first line of a chat message: `[watchdog] gateway-17: recovery_failed`. */
export function headingOf(payload: EventPayload): string {
  return `[watchdog] ${payload.host}: ${payload.event}`;
}
