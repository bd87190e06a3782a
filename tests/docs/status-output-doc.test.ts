// The terminal example of docs/commands.md is what `status` prints for the two processes it shows.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { formatStatusFitted, formatStatusSummary } from '../../src/cli/format/format-status.js';
import type { ProcessStatus } from '../../src/status/build-status.js';
import { processStatus } from '../helpers/process-status.js';

const TEXT = readFileSync(new URL('../../docs/commands.md', import.meta.url), 'utf8');
const NOW = Date.parse('2026-06-30T12:00:00Z');

/** A process checked 12 s before NOW that has no heartbeat to show unless the case gives one. */
function status(overrides: Partial<ProcessStatus> & Pick<ProcessStatus, 'key' | 'state'>): ProcessStatus {
  return processStatus({
    display_name: overrides.key,
    reason: null,
    heartbeat_age_seconds: null,
    heartbeat_timestamp: null,
    heartbeat_status: null,
    pid: null,
    iteration: null,
    last_check_at: '2026-06-30T11:59:48.000000+00:00',
    output_log: `/var/log/watchdog/${overrides.key}.out.log`,
    state_at: '2026-06-30T11:59:48.000000+00:00',
    heartbeat_state: null,
    heartbeat_pid: null,
    ...overrides,
  });
}

describe('docs/commands.md, status in a terminal', () => {
  it('shows what status prints in an 80-column terminal', () => {
    const block = /For example, in an 80-column terminal:\n\n```\n([\s\S]*?)\n```/.exec(TEXT)?.[1];
    assert.ok(block !== undefined, 'the example');
    const statuses = [
      status({
        key: 'demo_app',
        state: 'healthy',
        reason: 'heartbeat 1.5s ago, iteration 9',
        heartbeat_age_seconds: 1.5,
        pid: 8965,
      }),
      status({
        key: 'api',
        state: 'no_heartbeat',
        reason: 'no heartbeat file',
        consecutive_failures: 2,
        recovery_due: true,
      }),
    ];
    const layout = { width: 80, color: false };
    const printed = [
      formatStatusSummary('/etc/watchdog/config.json', statuses, layout),
      ...formatStatusFitted(statuses, NOW, layout),
    ];
    assert.equal(block, printed.join('\n'));
  });
});
