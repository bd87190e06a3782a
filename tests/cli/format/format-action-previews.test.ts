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
});
