import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatActionPreviews } from '../../../src/cli/format/format-action-previews.js';

describe('formatActionPreviews', () => {
  it('escapes why a kill would be refused, which can quote the command line an app chose', () => {
    const lines = formatActionPreviews([
      {
        plan: { kind: 'kill', action: 'kill', candidate: { pid: 4321 }, timeoutSeconds: 10 },
        kill: {
          kind: 'refused',
          why: 'PID 4321 is not the app: its command line "app \u001b[8m\u009b2J\u202e\nx" does not match ^app$',
        },
      },
    ]);
    assert.deepEqual(lines, [
      '  1. kill: refused: PID 4321 is not the app: its command line "app \\x1b[8m\\u009b2J\\u202e\\x0ax" does not match ^app$',
    ]);
  });

  it("says a match app's start is refused while a process matches when it runs", () => {
    const start = {
      kind: 'start',
      action: 'start',
      command: 'exec /usr/sbin/mosquitto',
      cwd: '/',
      outputLog: '/var/log/watchdog/mqtt.out.log',
      outputLogFallback: '/var/log/watchdog/logs/mqtt.out.log',
      outputLogMaxBytes: 1_048_576,
      verifyDelaySeconds: 2,
      heartbeat: undefined,
    } as const;
    const byMatch = { match: /^\/usr\/sbin\/mosquitto/u, user: { name: 'mosquitto', uid: 120, gid: 120, home: '/' } };
    const [line] = formatActionPreviews([{ plan: { ...start, byMatch }, kill: undefined }]);
    assert.match(
      line ?? '',
      /; refused if a process matches \/\^\\\/usr\\\/sbin\\\/mosquitto\/ as mosquitto at that moment \(never a second copy\)$/,
    );
    const [plain] = formatActionPreviews([{ plan: start, kill: undefined }]);
    assert.doesNotMatch(plain ?? '', /refused if/);
  });
});
