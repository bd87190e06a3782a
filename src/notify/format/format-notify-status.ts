import { escapeUntrustedLine } from '../../display/escape-untrusted.js';
import { formatCount } from '../../display/format-count.js';
import type { ChannelSummary } from '../queue/notification-rows.js';

/**
 * `status`: one line per notification channel: what waits and why, or when the last one went
 * out, and how many were refused or dropped in all; a second line with the last refusal, when
 * there was one. Escaped to one line ({@link escapeUntrustedLine}): the last error is what a
 * mail server, a webhook or a command answered.
 */
export function formatNotifyStatus(summaries: readonly ChannelSummary[]): string[] {
  return summaries.flatMap((summary) => {
    const lines = [describeChannel(summary)];
    const refusal = summary.last_refusal;
    if (refusal !== null)
      lines.push(
        `notify ${summary.channel}: last refused ${refusal.at}: ${refusal.event}${refusal.subject === '' ? '' : ` of ${refusal.subject}`} (raised ${refusal.raised_at}): ${refusal.error ?? 'no answer recorded'}`,
      );
    return lines.map((line) => escapeUntrustedLine(line));
  });
}

function describeChannel(summary: ChannelSummary): string {
  const last =
    summary.last_delivered_at === null ? 'none delivered yet' : `last delivered ${summary.last_delivered_at}`;
  const lost = [
    ...(summary.failed > 0 ? [`${summary.failed} refused`] : []),
    ...(summary.dropped > 0 ? [`${summary.dropped} dropped`] : []),
  ];
  const tail = lost.length === 0 ? last : `${last}; ${lost.join(', ')} in all`;
  if (summary.pending === 0) return `notify ${summary.channel}: nothing waiting; ${tail}`;
  const why = summary.last_error === null ? 'not tried yet' : summary.last_error;
  return `notify ${summary.channel}: ${formatCount(summary.pending, 'notification')} waiting since ${summary.oldest_pending_at ?? '?'} (${why}); ${tail}`;
}
