import type { EventPayload } from '../watchdog-event.js';

/** An event as an email: the summary as the subject, the facts as lines, the JSON at the end for scripts. Pure. */
export function formatEmail(payload: EventPayload, subjectPrefix: string): { subject: string; text: string } {
  const prefix = subjectPrefix === '' ? '' : `${subjectPrefix} `;
  const lines = [payload.summary, '', `event: ${payload.event}`, `time: ${payload.time}`, `host: ${payload.host}`];
  if (payload.process_key !== null)
    lines.push(`process: ${payload.process_key}${payload.display_name === null ? '' : ` (${payload.display_name})`}`);
  if (payload.interface !== null) lines.push(`interface: ${payload.interface}`);
  if (payload.zone !== null) lines.push(`zone: ${payload.zone}`);
  for (const [name, value] of Object.entries(payload.details)) lines.push(`${name}: ${String(value)}`);
  lines.push('', '-- the event as JSON:', JSON.stringify(payload));
  // One line: a header cannot hold a line break, and a summary could (it quotes app output).
  const subject = `${prefix}${payload.host}: ${payload.summary}`.replace(/\s+/g, ' ').slice(0, 200);
  return { subject, text: `${lines.join('\n')}\n` };
}
