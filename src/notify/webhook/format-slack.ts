import type { EventPayload } from '../watchdog-event.js';
import { fitEscaped, plainTextOf } from './chat-text.js';
import { severityOf, type Severity } from './event-severity.js';
import { factsOf, headingOf } from './event-facts.js';

/** The attachment's colour bar by severity. */
const COLOURS: Record<Severity, string> = { danger: '#d92d20', warning: '#f79009', good: '#12b76a', info: '#2e90fa' };

/**
 * Rocket.Chat's default `Message_MaxAllowedSize` is 5000 characters, the least of the three
 * services that take this body (Slack cuts at 40000, Mattermost at 16383).
 */
const MAX_TEXT = 3000;
const MAX_FIELD = 300;

/** U+2060 WORD JOINER: invisible, and no service reads a mention or a link across it. */
const JOINER = '\u2060';

/** Where Markdown makes a link of `]`: `](` inline, `][` a reference, `]:` a reference's definition. */
const LINK_JOINT = /\]([([:])/g;

/**
 * One character of app text as Slack's markup needs it: `&`, `<` and `>` as entities
 * (Slack's only three: `<!channel>`, `<@U123>` and `<https://…|text>` all start with `<`).
 * Mattermost and Rocket.Chat read Markdown and `@channel`, `@all`, `@here` or `@name` as a
 * mention: a word joiner after every `@` keeps an app's text from pinging anyone (and one
 * after `]` before `(`, `[` or `:`, put in before, from making a link: inline `[text](url)`,
 * reference `[text][1]` or `[1]` with its definition `[1]: url`). Newlines are kept.
 */
export function escapeSlackCharacter(character: string): string {
  switch (character) {
    case '&':
      return '&amp;';
    case '<':
      return '&lt;';
    case '>':
      return '&gt;';
    case '@':
      return `@${JOINER}`;
    default:
      return character;
  }
}

function escapeSlack(text: string, maxLength: number): string {
  return fitEscaped(plainTextOf(text).replace(LINK_JOINT, `]${JOINER}$1`), escapeSlackCharacter, maxLength);
}

/**
 * An event as a Slack incoming-webhook message, also what Mattermost and Rocket.Chat take:
 * `text` (the heading and the summary), and one attachment whose colour says how bad it is,
 * with the facts as short fields. Every string an app or the device could have chosen is
 * escaped. Pure.
 */
export function formatSlack(payload: EventPayload): string {
  const text = `*${escapeSlack(headingOf(payload), 200)}*\n${escapeSlack(payload.summary, MAX_TEXT)}`;
  return JSON.stringify({
    text,
    attachments: [
      {
        color: COLOURS[severityOf(payload.event)],
        fallback: escapeSlack(headingOf(payload), 200),
        fields: factsOf(payload).map(([name, value]) => ({
          title: name,
          value: escapeSlack(value, MAX_FIELD),
          short: true,
        })),
      },
    ],
  });
}
