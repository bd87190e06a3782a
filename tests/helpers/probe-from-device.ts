import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ProbeResult, ProbeSpec } from '../../src/probes/probe.js';
import type { NetworkPair } from './network-namespace.js';

const PROBE_ONCE = fileURLToPath(new URL('../fixtures/probe-once.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Runs the probe inside the pair's device namespace (through runProbe, as the tick would)
 * and returns its result, so a probe of an address in the pair's subnet never leaves it.
 */
export async function probeFromDevice(pair: NetworkPair, spec: ProbeSpec): Promise<ProbeResult> {
  const [command, ...args] = pair.execArgv(pair.device, [
    process.execPath,
    '--import',
    'tsx',
    PROBE_ONCE,
    JSON.stringify(spec),
  ]);
  if (command === undefined) throw new Error('empty argv');
  const { stdout } = await promisify(execFile)(command, args, { cwd: REPO_ROOT, timeout: 50_000 });
  return JSON.parse(stdout) as ProbeResult;
}

/** An address in the pair's subnet that nothing holds: asking for it gets no ARP reply, so nothing answers. */
export function unusedAddress(pair: NetworkPair, lastOctet: number): string {
  return pair.peerAddress.replace(/\.\d+$/, `.${lastOctet}`);
}
