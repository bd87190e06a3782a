import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatAuditEvents } from '../../../src/cli/format/format-audit-events.js';

describe('formatAuditEvents', () => {
  it('escapes a detail holding an escape sequence', () => {
    assert.deepEqual(
      formatAuditEvents([
        {
          id: 2,
          at: '2026-06-30T11:59:00.000000+00:00',
          kind: 'gave_up',
          process_key: 'web',
          detail: 'PID 7 is not the app: "\u001b]0;pwned\u0007"',
        },
      ]),
      [
        'ID  AT                                EVENT    PROCESS  DETAIL',
        '2   2026-06-30T11:59:00.000000+00:00  gave_up  web      PID 7 is not the app: "\\x1b]0;pwned\\x07"',
      ],
    );
  });
});
