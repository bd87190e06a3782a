/**
 * The JSON Schema of a Wake-on-LAN target, shared by a process's `wake_on_lan` entries and a
 * `network` ladder's `wol` rung. An unknown key is an error, as in every new section.
 */

/** `aa:bb:cc:dd:ee:ff`, with `:` or `-` between the bytes. */
export const MAC_PATTERN = '^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$';

/** A dotted-quad IPv4 address: where a magic packet is sent (a broadcast address, usually). */
const IPV4_PATTERN =
  '^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$';

/** The properties of a Wake-on-LAN target, shared by a process's `wake_on_lan` entries and a `wol` rung. */
export const wakeOnLanProperties = {
  mac: { type: 'string', pattern: MAC_PATTERN },
  broadcast: { type: 'string', pattern: IPV4_PATTERN },
  port: { type: 'integer', minimum: 1, maximum: 65535 },
} as const;

export const wakeOnLanSchema = {
  type: 'object',
  required: ['mac'],
  properties: wakeOnLanProperties,
  additionalProperties: false,
} as const;
