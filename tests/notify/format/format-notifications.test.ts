import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatNotifications } from '../../../src/notify/format/format-notifications.js';
import { formatNotifyStatus } from '../../../src/notify/format/format-notify-status.js';
import { emptyChannelSummary } from '../../../src/notify/queue/notification-rows.js';

describe('formatNotifications', () => {
  it('escapes what a mail server, webhook or command answered', () => {
    const lines = formatNotifications([
      {
        id: 4,
        channel: 'ops',
        event: 'recovery_failed',
        subject: 'web',
        created_at: '2026-06-30T11:59:00.000000+00:00',
        payload: '{}',
        state: 'pending',
        attempts: 2,
        last_attempt_at: '2026-06-30T11:59:30.000000+00:00',
        last_error: '550 \u001b[2Jno\r\nsuch user \u009b8m',
        delivered_at: null,
      },
    ]);
    assert.deepEqual(lines, [
      'ID  AT                                CHANNEL  EVENT            ABOUT  STATE    TRIES  DETAIL',
      '4   2026-06-30T11:59:00.000000+00:00  ops      recovery_failed  web    pending  2      550 \\x1b[2Jno\\x0d\\x0asuch user \\u009b8m',
    ]);
  });
});

describe('formatNotifyStatus', () => {
  it('escapes the last error of a channel, keeping one line per channel', () => {
    assert.deepEqual(
      formatNotifyStatus([
        {
          channel: 'ops',
          pending: 1,
          oldest_pending_at: '2026-06-30T11:59:00.000000+00:00',
          last_error: 'HTTP 500: \u001b]0;pwned\u0007\n\u202e',
          last_delivered_at: null,
          delivered: 0,
          failed: 0,
          dropped: 0,
          last_refusal: null,
        },
        {
          channel: 'pager',
          pending: 0,
          oldest_pending_at: null,
          last_error: null,
          last_delivered_at: '2026-06-30T11:00:00.000000+00:00',
          delivered: 4,
          failed: 0,
          dropped: 0,
          last_refusal: null,
        },
      ]),
      [
        'notify ops: 1 notification waiting since 2026-06-30T11:59:00.000000+00:00 (HTTP 500: \\x1b]0;pwned\\x07\\x0a\\u202e); none delivered yet',
        'notify pager: nothing waiting; last delivered 2026-06-30T11:00:00.000000+00:00',
      ],
    );
  });

  it('tells how many were refused and dropped in all, and the last refusal on a line of its own, escaped', () => {
    assert.deepEqual(
      formatNotifyStatus([
        {
          ...emptyChannelSummary('sms'),
          last_delivered_at: '2026-06-30T11:00:00.000000+00:00',
          delivered: 7,
          failed: 2,
          dropped: 3,
          last_refusal: {
            at: '2026-06-30T11:30:00.000000+00:00',
            notification_id: 12,
            event: 'gave_up',
            subject: 'web',
            raised_at: '2026-06-30T11:29:58.000000+00:00',
            error: 'HTTP 401 \u001b[2J[redacted]',
          },
        },
        { ...emptyChannelSummary('ops'), dropped: 1 },
        {
          ...emptyChannelSummary('hook'),
          pending: 2,
          oldest_pending_at: '2026-06-30T11:50:00.000000+00:00',
          failed: 1,
        },
      ]),
      [
        'notify sms: nothing waiting; last delivered 2026-06-30T11:00:00.000000+00:00; 2 refused, 3 dropped in all',
        'notify sms: last refused 2026-06-30T11:30:00.000000+00:00: gave_up of web (raised 2026-06-30T11:29:58.000000+00:00): HTTP 401 \\x1b[2J[redacted]',
        'notify ops: nothing waiting; none delivered yet; 1 dropped in all',
        'notify hook: 2 notifications waiting since 2026-06-30T11:50:00.000000+00:00 (not tried yet); none delivered yet; 1 refused in all',
      ],
    );
  });
});
