import type { EventPayload } from '../watchdog-event.js';
import { fitEscaped, plainTextOf } from './chat-text.js';
import { severityOf, type Severity } from './event-severity.js';
import { factsOf, headingOf } from './event-facts.js';

/** The heading's colour by severity, among those Adaptive Cards name. */
const COLOURS: Record<Severity, string> = { danger: 'Attention', warning: 'Warning', good: 'Good', info: 'Accent' };

/** Teams refuses a message above 28 KB: the summary and each fact are cut well below it. */
const MAX_SUMMARY = 3000;
const MAX_FACT = 200;

/** Text as it is (Markdown is not read in a TextRun), made visible and cut. */
function plain(text: string, maxLength: number): string {
  return fitEscaped(plainTextOf(text), (character) => character, maxLength);
}

/** A RichTextBlock of one TextRun: unlike a TextBlock or a FactSet, it reads no Markdown, so app text cannot make a link. */
function richText(text: string, style: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text, ...style }] };
}

/**
 * An event as a message for a Teams channel's Workflows ("Post to a channel when a webhook
 * request is received") webhook: one Adaptive Card (1.4) with a coloured heading, the
 * summary and the facts. Every text is a `TextRun`, which Teams shows as it is: an app's
 * Markdown (`[text](https://…)`, `**bold**`) stays text, and a mention needs an
 * `msteams.entities` entry, which the card never has. Pure.
 */
export function formatTeams(payload: EventPayload): string {
  const facts = factsOf(payload).filter(([name]) => name !== 'event');
  return JSON.stringify({
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          msteams: { width: 'Full' },
          body: [
            richText(plain(headingOf(payload), 200), {
              weight: 'Bolder',
              size: 'Medium',
              color: COLOURS[severityOf(payload.event)],
            }),
            richText(plain(payload.summary, MAX_SUMMARY)),
            ...facts.map(([name, value]) =>
              richText(`${plain(name, 40)}: ${plain(value, MAX_FACT)}`, { isSubtle: true }),
            ),
          ],
        },
      },
    ],
  });
}
