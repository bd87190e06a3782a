/**
 * An IPv6 address of an interface as the kernel lists it in `/proc/net/if_inet6`: with the
 * flags getifaddrs(3) (and so Node's `os.networkInterfaces()`) leaves out.
 */
export interface Ipv6Entry {
  /** Compressed form, `2001:db8::1`. */
  address: string;
  prefixLength: number;
  /** `IFA_F_*` bits (the low byte the file shows). */
  flags: number;
}

const IFA_F_DADFAILED = 0x08;
const IFA_F_DEPRECATED = 0x20;
const IFA_F_TENTATIVE = 0x40;

/**
 * The IPv6 addresses of interface `name` from the text of `/proc/net/if_inet6` (one line
 * each: 32 hex digits, interface index, prefix length, scope, flags, name). Pure; a line
 * that does not parse is left out.
 */
export function parseIfInet6(text: string, name: string): Ipv6Entry[] {
  const entries: Ipv6Entry[] = [];
  for (const line of text.split('\n')) {
    const [hex, , prefix, , flags, device] = line.trim().split(/\s+/);
    if (
      device !== name ||
      hex === undefined ||
      !/^[0-9a-f]{32}$/i.test(hex) ||
      prefix === undefined ||
      flags === undefined
    )
      continue;
    entries.push({
      address: compressIpv6(hex.toLowerCase()),
      prefixLength: Number.parseInt(prefix, 16),
      flags: Number.parseInt(flags, 16),
    });
  }
  return entries;
}

/** 32 hex digits to the RFC 5952 form: leading zeros dropped, the longest run of two or more zero groups as `::`. */
export function compressIpv6(hex: string): string {
  const groups = (hex.match(/.{4}/g) ?? []).map((group) => group.replace(/^0+(?=.)/, ''));
  let best = { start: -1, length: 0 };
  for (let start = 0; start < groups.length; start += 1) {
    let length = 0;
    while (groups[start + length] === '0') length += 1;
    if (length > best.length) best = { start, length };
  }
  if (best.length < 2) return groups.join(':');
  return `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.length).join(':')}`;
}

/**
 * Why an IPv6 address does not reach beyond the link, or cannot be used yet, or `undefined`
 * when it can. Pure. An interface always has its fe80:: address; without a router
 * advertisement or a DHCPv6 lease that is all it has.
 */
export function whyIpv6Unusable(entry: Ipv6Entry): string | undefined {
  const first = Number.parseInt(entry.address.split(':')[0] || '0', 16);
  if (entry.address === '::') return 'unspecified';
  if (entry.address === '::1') return 'loopback';
  if ((first & 0xffc0) === 0xfe80) return 'link-local (fe80::/10: no router advertisement or DHCPv6 lease?)';
  if ((first & 0xff00) === 0xff00) return 'multicast';
  if ((entry.flags & IFA_F_DADFAILED) !== 0) return 'dadfailed (another host on the link has it)';
  if ((entry.flags & IFA_F_TENTATIVE) !== 0) return 'tentative (duplicate address detection has not finished)';
  if ((entry.flags & IFA_F_DEPRECATED) !== 0) return 'deprecated (its preferred lifetime ran out)';
  return undefined;
}
