/**
 * Probes: whether a service answers. The network ladder asks them what "alive" means when
 * carrier and an address are not enough, and what vetoes a reboot ("something answers, so the
 * network is not the problem"); a process's `health` asks one whether the app answers.
 */

/** One probe as configured (snake_case, like the config file). */
export type ProbeSpec =
  | {
      type: 'icmp';
      /** An address or host name, passed to the system `ping`. */
      host: string;
      timeout_seconds: number;
    }
  | {
      type: 'tcp';
      host: string;
      port: number;
      timeout_seconds: number;
    }
  | {
      type: 'http';
      /** `http://` or `https://`. */
      url: string;
      /** The status code that counts as an answer. */
      expect_status: number;
      timeout_seconds: number;
    };

/** Probes judged together: `any` answers when one of them does, `all` when every one does. `probes` is never empty. */
export interface ProbeSetSpec {
  mode: 'any' | 'all';
  probes: ProbeSpec[];
}

/** How one probe went. */
export interface ProbeResult {
  /** The probe in a few words, e.g. `tcp 10.0.0.1:53`, `icmp 192.168.1.1`, `http http://x/health`. */
  probe: string;
  answered: boolean;
  /** Why, in a few words: `connected`, `HTTP 200`, `timed out after 2s`, `ECONNREFUSED`, `no reply (ping exited 1)`... */
  detail: string;
  durationMs: number;
}

/** How a probe set went. */
export interface ProbeSetResult {
  mode: 'any' | 'all';
  /** The set's verdict under its mode. */
  answered: boolean;
  /** One per probe, in configured order. */
  results: ProbeResult[];
  /**
   * One line for logs and the audit log, e.g. `any of 2 answered: tcp 10.0.0.1:53 connected; icmp 10.0.0.2 no reply
   * (ping exited 1)`; also `none of 2 answered: ...`, `all of 2 answered: ...`, `1 of 2 answered (all required): ...`.
   */
  summary: string;
}

/**
 * Runs one probe (`runProbe` in `run-probe.ts`, or a fake in tests). Never rejects: every
 * failure is `answered: false` with a detail. When `signal` aborts (the watchdog is asked to
 * stop), the probe ends at once, not answered, its detail {@link INTERRUPTED_DETAIL}.
 */
export type RunProbe = (probe: ProbeSpec, signal?: AbortSignal) => Promise<ProbeResult>;

/** The detail of a probe cut short because the watchdog was asked to stop. */
export const INTERRUPTED_DETAIL = 'interrupted: the watchdog was asked to stop';
