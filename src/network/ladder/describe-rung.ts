import type { RungConfig } from '../config/network-types.js';

/** What a rung does, in a few words, for the log. */
export function describeRung(rung: RungConfig): string {
  switch (rung.type) {
    case 'bounce':
      return 'bounce the interface';
    case 'command':
      return rung.command;
    case 'wol':
      return `wake ${rung.target.mac} (magic packet to ${rung.target.broadcast}:${rung.target.port})`;
  }
}
