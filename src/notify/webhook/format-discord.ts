import type { EventPayload } from '../watchdog-event.js';
import { fitEscaped, plainTextOf } from './chat-text.js';
import { factsOf, headingOf } from './event-facts.js';

/** Discord refuses a message whose `content` is longer than 2000 characters (HTTP 400). */
export const DISCORD_MAX_CONTENT = 2000;

/** Characters Discord's Markdown acts on: a backslash before one shows it as it is. */
const MARKDOWN = new Set(['\\', '*', '_', '~', '`', '|', '<', '>', '[', ']', '(', ')', '#', '@', ':', '-']);

/**
 * One character of app text for Discord's Markdown: each character it acts on gets a
 * backslash, so `<@&123>`, `@everyone`, `[text](https://…)`, `# heading` or a spoiler
 * show as typed. Newlines are kept.
 */
export function escapeDiscordCharacter(character: string): string {
  return MARKDOWN.has(character) ? `\\${character}` : character;
}

/**
 * An event as a Discord webhook message: `content` holds a bold heading, the summary and
 * the facts, within Discord's 2000 characters (the summary is cut first), and
 * `allowed_mentions` with nothing to parse, so no text can ping `@everyone`, a role or a
 * user even if an escape were missed. Pure.
 */
export function formatDiscord(payload: EventPayload): string {
  const escape = (text: string, maxLength: number): string =>
    fitEscaped(plainTextOf(text), escapeDiscordCharacter, maxLength);
  const heading = `**${escape(headingOf(payload), 200)}**`;
  const facts = factsOf(payload)
    .filter(([name]) => name !== 'host' && name !== 'event')
    .map(([name, value]) => `${escape(name, 40)}: ${escape(value, 200)}`);
  let factLines = facts.join('\n');
  // Facts beyond what fits are left out whole; the summary gets at least half the room.
  while (factLines.length > DISCORD_MAX_CONTENT / 2) {
    const cut = factLines.lastIndexOf('\n');
    factLines = cut < 0 ? '' : factLines.slice(0, cut);
  }
  const room = DISCORD_MAX_CONTENT - heading.length - factLines.length - 2;
  const content = [heading, escape(payload.summary, room), ...(factLines === '' ? [] : [factLines])].join('\n');
  return JSON.stringify({ content, allowed_mentions: { parse: [] } });
}
