import { escapeUntrustedLine } from '../../display/escape-untrusted.js';
import { formatCount } from '../../display/format-count.js';
import type { ChannelSummary } from '../queue/notification-rows.js';

/**
 * `status`: one line per notification channel: what waits and why, or when the last one went
 * out. Escaped to one line ({@link escapeUntrustedLine}): the last error is what a mail
 * server, a webhook or a command answered.
 */
export function formatNotifyStatus(summaries: readonly ChannelSummary[]): string[] {
  return summaries.map((summary) => escapeUntrustedLine(describeChannel(summary)));
}

function describeChannel(summary: ChannelSummary): string {
  const last =
    summary.last_delivered_at === null ? 'none delivered yet' : `last delivered ${summary.last_delivered_at}`;
  if (summary.pending === 0) return `notify ${summary.channel}: nothing waiting; ${last}`;
  const why = summary.last_error === null ? 'not tried yet' : summary.last_error;
  return `notify ${summary.channel}: ${formatCount(summary.pending, 'notification')} waiting since ${summary.oldest_pending_at ?? '?'} (${why}); ${last}`;
}
