// The email channel on a device whose DNS server does not answer (the uplink is down),
// sending to a relay on the device itself. Run inside a network namespace this test
// creates (tests/helpers/network-namespace.ts) and a mount namespace whose
// /etc/resolv.conf names an address on the pair's subnet that nothing holds: a DNS query
// gets no answer and cannot leave the namespaces. The SMTP server is the fixture's own, on
// the namespace's loopback.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { SendOutcome } from '../../../src/notify/channels/send-outcome.js';
import { createNetworkPair, type NetworkPair } from '../../helpers/network-namespace.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const SEND_EMAIL_ONCE = fileURLToPath(new URL('../../fixtures/send-email-once.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ATTEMPT_MS = 3000;

/** Stops a test that hangs instead of letting it block the run; never an assertion on speed. */
const hangGuard = { timeout: 60_000 };

/** Sends one email from the pair's device namespace to `host`, with a resolv.conf whose name server never answers. */
async function sendFromDevice(pair: NetworkPair, host: string): Promise<{ outcome: SendOutcome; received: number }> {
  const resolvConf = join(makeTempDir(), 'resolv.conf');
  // An address in the pair's subnet that nothing holds: no ARP reply, so no answer, and nothing leaves.
  writeFileSync(resolvConf, `nameserver ${pair.peerAddress.replace(/\.\d+$/, '.99')}\n`);
  const script = 'mount --bind "$1" /etc/resolv.conf && exec "$2" --import tsx "$3" "$4" "$5"';
  const argv = [
    'unshare',
    '--mount',
    '--propagation',
    'private',
    'sh',
    '-c',
    script,
    'sh',
    resolvConf,
    process.execPath,
    SEND_EMAIL_ONCE,
    host,
    String(ATTEMPT_MS),
  ];
  const [command, ...args] = pair.execArgv(pair.device, argv);
  if (command === undefined) throw new Error('empty argv');
  const { stdout } = await promisify(execFile)(command, args, { cwd: REPO_ROOT, timeout: 50_000 });
  return JSON.parse(stdout) as { outcome: SendOutcome; received: number };
}

describe('sendToChannel: email to a relay on the device while DNS does not answer (network namespaces)', () => {
  it('delivers to host 127.0.0.1 (the control: no name to look up)', hangGuard, async () => {
    const pair = createNetworkPair();
    const { outcome, received } = await sendFromDevice(pair, '127.0.0.1');
    assert.equal(outcome.kind, 'delivered', outcome.detail);
    assert.equal(received, 1, 'the relay got the message');
  });

  // nodemailer's own resolver asks DNS servers only (not /etc/hosts); the channel resolves the
  // name the system's way first, so a relay on the device works while the uplink is down.
  it('delivers to host localhost, which /etc/hosts resolves, without an answer from DNS', hangGuard, async () => {
    const pair = createNetworkPair();
    const { outcome, received } = await sendFromDevice(pair, 'localhost');
    assert.equal(outcome.kind, 'delivered', `localhost is in /etc/hosts: ${outcome.detail}`);
    assert.equal(received, 1, 'the relay got the message');
  });
});
