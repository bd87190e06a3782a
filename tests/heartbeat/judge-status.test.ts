import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judgeStatus } from '../../src/heartbeat/judge-status.js';

describe("judgeStatus: the Python Watchdog's rule by default", () => {
  // [name, status as written (undefined: no status key), reason when not healthy]
  const cases: [string, unknown, string | undefined][] = [
    ['"running" is healthy', 'running', undefined],
    ['"Running" is not (compared exactly)', 'Running', 'app reports status "Running"; healthy: "running"'],
    ['"RUNNING" is not', 'RUNNING', 'app reports status "RUNNING"; healthy: "running"'],
    ['"running " with a space is not', 'running ', 'app reports status "running "; healthy: "running"'],
    ['"degraded" is not', 'degraded', 'app reports status "degraded"; healthy: "running"'],
    ['"error" is not', 'error', 'app reports status "error"; healthy: "running"'],
    ['"stopping" is not', 'stopping', 'app reports status "stopping"; healthy: "running"'],
    ['"" is not', '', 'app reports status ""; healthy: "running"'],
    ['no status is not (Python: None != "running")', undefined, 'heartbeat has no status; healthy: "running"'],
    ['null is not', null, 'app reports status null, not a string; healthy: "running"'],
    ['a number is not', 1, 'app reports status 1, not a string; healthy: "running"'],
    ['true is not', true, 'app reports status true, not a string; healthy: "running"'],
    ['["running"] is not', ['running'], 'app reports status ["running"], not a string; healthy: "running"'],
    [
      '{"running": true} is not',
      { running: true },
      'app reports status {"running":true}, not a string; healthy: "running"',
    ],
  ];
  for (const [name, status, reason] of cases) {
    it(name, () => {
      assert.deepEqual(judgeStatus(status), reason === undefined ? { healthy: true } : { healthy: false, reason });
    });
  }
});

describe('judgeStatus: healthy_statuses', () => {
  const healthy = ['running', 'degraded'];
  // [name, status, reason when not healthy]
  const cases: [string, unknown, string | undefined][] = [
    ['a listed status is healthy', 'degraded', undefined],
    ['the first one too', 'running', undefined],
    [
      'another is not, and the reason lists them all',
      'error',
      'app reports status "error"; healthy: "running", "degraded"',
    ],
    ['case counts', 'Degraded', 'app reports status "Degraded"; healthy: "running", "degraded"'],
    ['no status is not', undefined, 'heartbeat has no status; healthy: "running", "degraded"'],
  ];
  for (const [name, status, reason] of cases) {
    it(name, () => {
      assert.deepEqual(
        judgeStatus(status, healthy),
        reason === undefined ? { healthy: true } : { healthy: false, reason },
      );
    });
  }

  it('may leave "running" out', () => {
    assert.deepEqual(judgeStatus('ok', ['ok']), { healthy: true });
    assert.deepEqual(judgeStatus('running', ['ok']), {
      healthy: false,
      reason: 'app reports status "running"; healthy: "ok"',
    });
  });
});

describe('judgeStatus: app-controlled text in the reason', () => {
  it('escapes control characters and quotes (JSON), so the reason holds no raw escape sequence', () => {
    const { reason } = judgeStatus('\u001b[2J"oops"\n') as { reason: string };
    assert.equal(reason, 'app reports status "\\u001b[2J\\"oops\\"\\n"; healthy: "running"');
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    assert.doesNotMatch(reason, /[\u0000-\u001f]/);
  });

  it('shortens a long status', () => {
    const { reason } = judgeStatus('x'.repeat(10_000)) as { reason: string };
    assert.equal(reason, `app reports status "${'x'.repeat(76)}...; healthy: "running"`);
  });

  it('renders a deeply nested status without overflowing the stack', () => {
    const deep: unknown = JSON.parse(`${'['.repeat(50_000)}${']'.repeat(50_000)}`);
    const { reason } = judgeStatus(deep) as { reason: string };
    assert.equal(reason, `app reports status ${'['.repeat(77)}..., not a string; healthy: "running"`);
  });
});
