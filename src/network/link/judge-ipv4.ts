/** An IPv4 address of the uplink that does not make it usable, and why. */
export interface UnusableAddress {
  address: string;
  why: string;
}

export interface UsableIpv4 {
  usable: string[];
  unusable: UnusableAddress[];
}

export interface UsableIpv4Options {
  /** `network.allow_link_local`: a link-local-only segment, where 169.254.0.0/16 is the plan. */
  allowLinkLocal: boolean;
}

/**
 * Why an interface's IPv4 address does not reach beyond the link, or `undefined` when it
 * may. Pure. A connection manager gives an interface 169.254.x.y when DHCP fails, so
 * counting that address would hide "a DHCP lease that never came back".
 */
export function whyIpv4Unusable(address: string, { allowLinkLocal }: UsableIpv4Options): string | undefined {
  const octets = address.split('.').map((part) => (/^\d{1,3}$/.test(part) ? Number(part) : Number.NaN));
  if (octets.length !== 4 || octets.some((octet) => !(octet >= 0 && octet <= 255))) return 'not an IPv4 address';
  const [first = 0, second = 0] = octets;
  if (first === 0) return 'unspecified (0.0.0.0/8)';
  if (first === 127) return 'loopback (127.0.0.0/8)';
  if (first === 169 && second === 254) {
    return allowLinkLocal
      ? undefined
      : 'link-local (169.254.0.0/16, what a connection manager assigns when DHCP fails; network.allow_link_local allows it)';
  }
  if (first >= 224 && first <= 239) return 'multicast (224.0.0.0/4)';
  if (first >= 240) return 'reserved (240.0.0.0/4)';
  return undefined;
}

/** The addresses that make the uplink usable, and the others with why. Pure; order kept. */
export function splitIpv4(addresses: readonly string[], options: UsableIpv4Options): UsableIpv4 {
  const usable: string[] = [];
  const unusable: UnusableAddress[] = [];
  for (const address of addresses) {
    const why = whyIpv4Unusable(address, options);
    if (why === undefined) usable.push(address);
    else unusable.push({ address, why });
  }
  return { usable, unusable };
}
