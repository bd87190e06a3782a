import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatJson } from '../../../src/cli/format/format-json.js';

describe('formatJson', () => {
  it('prints JSON indented by two that gives back the raw value, with no character a terminal acts on', () => {
    const value = {
      processes: [
        {
          key: 'web',
          heartbeat_status: '\u001b]0;pwned\u0007\u001b[2J',
          reason: 'x\u009b2J\u202e\u2028\u007f',
          pid: 4321,
        },
      ],
    };
    const json = formatJson(value);
    assert.deepEqual(JSON.parse(json), value);
    assert.equal(
      json,
      [
        '{',
        '  "processes": [',
        '    {',
        '      "key": "web",',
        '      "heartbeat_status": "\\u001b]0;pwned\\u0007\\u001b[2J",',
        '      "reason": "x\\u009b2J\\u202e\\u2028\\u007f",',
        '      "pid": 4321',
        '    }',
        '  ]',
        '}',
      ].join('\n'),
    );
  });
});
