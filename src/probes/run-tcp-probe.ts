import { connect } from 'node:net';
import { describeError, systemErrorCode } from '../errors.js';
import { formatSeconds } from '../time/format-duration.js';
import { INTERRUPTED_DETAIL, type ProbeResult, type ProbeSpec } from './probe.js';

/**
 * Opens a TCP connection to `host:port` and answers when it is established; the
 * connection is closed at once, nothing is sent. The timeout covers the name lookup and
 * the handshake.
 *
 * Never rejects because of the network: a refusal, an unreachable host or a timeout is
 * `answered: false` with the error code (`ECONNREFUSED`, `EHOSTUNREACH`...) or
 * `timed out after 2s` as the detail; a stop request (`signal`) ends it at once.
 *
 * @example
 * await runTcpProbe({ type: 'tcp', host: '10.0.0.1', port: 53, timeout_seconds: 2 });
 * // { answered: true, detail: 'connected' }
 */
export function runTcpProbe(
  spec: Extract<ProbeSpec, { type: 'tcp' }>,
  signal?: AbortSignal,
): Promise<Pick<ProbeResult, 'answered' | 'detail'>> {
  if (signal?.aborted === true) return Promise.resolve({ answered: false, detail: INTERRUPTED_DETAIL });
  return new Promise((resolve) => {
    const socket = connect({ host: spec.host, port: spec.port });
    const finish = (outcome: Pick<ProbeResult, 'answered' | 'detail'>): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(
      () => finish({ answered: false, detail: `timed out after ${formatSeconds(spec.timeout_seconds)}` }),
      spec.timeout_seconds * 1000,
    );
    // A stop request ends the wait at once: systemd's stop timeout is shorter than a long probe.
    const onAbort = (): void => finish({ answered: false, detail: INTERRUPTED_DETAIL });
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => finish({ answered: true, detail: 'connected' }));
    // `on`, not `once`: an error emitted after the first must not go unhandled and end the tick.
    socket.on('error', (error) => finish({ answered: false, detail: systemErrorCode(error) ?? describeError(error) }));
  });
}
