/**
 * The Wake-on-LAN magic packet: six 0xFF bytes, then the target's MAC address sixteen
 * times (102 bytes). A network card that is asleep but powered wakes its machine when it
 * sees it.
 */
export function magicPacket(mac: string): Buffer {
  const bytes = macBytes(mac);
  const packet = Buffer.alloc(6 + 16 * 6, 0xff);
  for (let copy = 0; copy < 16; copy += 1) bytes.copy(packet, 6 + copy * 6);
  return packet;
}

/**
 * The six bytes of `aa:bb:cc:dd:ee:ff` (or with `-`).
 *
 * @throws RangeError when `mac` is not such an address.
 */
export function macBytes(mac: string): Buffer {
  if (!/^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$/.test(mac)) throw new RangeError(`not a MAC address: "${mac}"`);
  return Buffer.from(mac.replaceAll(/[:-]/g, ''), 'hex');
}
