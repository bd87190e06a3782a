import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemErrorCode } from '../../errors.js';
import { parseIfInet6, type Ipv6Entry } from './judge-ipv6.js';

/**
 * The IPv6 addresses of `name`, with their flags, from `<procRoot>/net/if_inet6`. None when
 * the file is not there (IPv6 disabled, or not built into the kernel).
 */
export function readIpv6(name: string, procRoot: string): Ipv6Entry[] {
  let text: string;
  try {
    text = readFileSync(join(procRoot, 'net', 'if_inet6'), 'utf8');
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') return [];
    throw error;
  }
  return parseIfInet6(text, name);
}
