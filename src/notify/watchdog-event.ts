import type { EventKind } from './event-kinds.js';

/** A value of an event's `details`: plain JSON scalars, so every channel can show it. */
export type DetailValue = string | number | boolean | null;

/** Something that happened that people are told of. */
export interface WatchdogEvent {
  kind: EventKind;
  /** When it happened (UTC, ISO 8601): kept as it was however late the notification goes out. */
  at: string;
  /** The process it is about. */
  processKey?: string | undefined;
  displayName?: string | undefined;
  /** The network interface it is about. */
  interface?: string | undefined;
  /** The thermal zone it is about (`thermal_zone0`). */
  zone?: string | undefined;
  /** One line a person reads on a phone. */
  summary: string;
  details: Record<string, DetailValue | undefined>;
}

/** Raises an event: queues it for every channel that wants it. Never throws: telling must not stop healing. */
export type RaiseEvent = (event: WatchdogEvent) => void;

/** For code run without a `notify` section. */
export const raiseNothing: RaiseEvent = () => undefined;

/** What `repeat_after_seconds` counts by: the process, else the interface, else the thermal zone. */
export function subjectOf(event: Pick<WatchdogEvent, 'processKey' | 'interface' | 'zone'>): string {
  return event.processKey ?? event.interface ?? event.zone ?? '';
}

/** The payload's format version: raised when a field changes meaning or goes away. */
export const PAYLOAD_VERSION = 1;

/**
 * The JSON every channel sends (the webhook's body, the command's standard input, the
 * email's attachment): stable snake_case fields, `details` by event.
 */
export interface EventPayload {
  version: typeof PAYLOAD_VERSION;
  event: EventKind;
  time: string;
  host: string;
  process_key: string | null;
  display_name: string | null;
  interface: string | null;
  zone: string | null;
  summary: string;
  details: Record<string, DetailValue>;
}

export function payloadOf(event: WatchdogEvent, host: string): EventPayload {
  const details = Object.fromEntries(
    Object.entries(event.details).filter((entry): entry is [string, DetailValue] => entry[1] !== undefined),
  );
  return {
    version: PAYLOAD_VERSION,
    event: event.kind,
    time: event.at,
    host,
    process_key: event.processKey ?? null,
    display_name: event.displayName ?? null,
    interface: event.interface ?? null,
    zone: event.zone ?? null,
    summary: event.summary,
    details,
  };
}
