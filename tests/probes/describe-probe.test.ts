import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProbeSpec } from '../../src/probes/probe.js';
import { describeProbe } from '../../src/probes/describe-probe.js';

describe('describeProbe', () => {
  const cases: [spec: ProbeSpec, words: string][] = [
    [{ type: 'icmp', host: '10.0.0.1', timeout_seconds: 2 }, 'icmp 10.0.0.1'],
    [{ type: 'icmp', host: 'fe80::1', timeout_seconds: 2 }, 'icmp fe80::1'],
    [{ type: 'tcp', host: '10.0.0.1', port: 53, timeout_seconds: 2 }, 'tcp 10.0.0.1:53'],
    [{ type: 'tcp', host: 'localhost', port: 8080, timeout_seconds: 2 }, 'tcp localhost:8080'],
    [{ type: 'tcp', host: '::1', port: 53, timeout_seconds: 2 }, 'tcp [::1]:53'],
    [{ type: 'tcp', host: '2001:db8::7', port: 443, timeout_seconds: 2 }, 'tcp [2001:db8::7]:443'],
    [{ type: 'http', url: 'http://x/health', expect_status: 200, timeout_seconds: 2 }, 'http http://x/health'],
    [
      { type: 'http', url: 'https://10.0.0.1:8443', expect_status: 204, timeout_seconds: 2 },
      'http https://10.0.0.1:8443',
    ],
  ];
  for (const [spec, words] of cases) {
    it(`says ${words}`, () => {
      assert.equal(describeProbe(spec), words);
    });
  }

  it('masks a password in a URL (and the user name beside it), since the words go to logs and the audit log', () => {
    const spec: ProbeSpec = {
      type: 'http',
      url: 'http://admin:hunter2@10.0.0.1/health',
      expect_status: 200,
      timeout_seconds: 2,
    };
    assert.equal(describeProbe(spec), 'http http://***:***@10.0.0.1/health');
  });

  it('masks a token given as the user name, and every query value', () => {
    const cases: [url: string, words: string][] = [
      ['http://tok3n@127.0.0.1/health', 'http http://***@127.0.0.1/health'],
      ['http://admin:tok3n@127.0.0.1/h?token=abc&x=1', 'http http://***:***@127.0.0.1/h?token=***&x=***'],
      ['https://127.0.0.1/h?abc', 'http https://127.0.0.1/h?***'],
    ];
    for (const [url, words] of cases) {
      assert.equal(describeProbe({ type: 'http', url, expect_status: 200, timeout_seconds: 2 }), words);
    }
  });

  it('never repeats a URL it cannot parse: its password could not be found to be masked', () => {
    for (const url of ['http://admin:tok3n@127.0.0.1:99999/h', 'http://admin:tok3n@127.0.0.1 /h']) {
      const words = describeProbe({ type: 'http', url, expect_status: 200, timeout_seconds: 2 });
      assert.equal(words, 'http <unparseable URL>');
    }
  });

  it('names a type it does not know instead of returning nothing', () => {
    const spec = JSON.parse('{"type":"udp","host":"10.0.0.1","timeout_seconds":2}') as ProbeSpec;
    assert.equal(describeProbe(spec), 'unknown probe type udp');
  });
});
