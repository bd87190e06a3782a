/** A Wake-on-LAN target as written. */
export interface RawWakeOnLanTarget {
  mac: string;
  broadcast?: string;
  port?: number;
}

/** A machine to wake: the magic packet for `mac`, sent over UDP to `broadcast`:`port`. */
export interface WakeOnLanTarget {
  /** Lower case, colon-separated. */
  mac: string;
  broadcast: string;
  port: number;
}
