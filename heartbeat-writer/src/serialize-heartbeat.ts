import type { HeartbeatRecord } from './heartbeat-record.js';

const NON_ASCII = /[\u0080-\uffff]/g;

function escapeNonAscii(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * Serialises a heartbeat byte-for-byte as Python's `json.dumps` does by default:
 * keys in record order, `", "` and `": "` separators, non-ASCII escaped as `\uXXXX`
 * (`ensure_ascii=True`). ASCII-only output also keeps readers that open the file
 * with a non-UTF-8 locale encoding working.
 *
 * The five classic keys always come first, in their order; `pid_start_ticks` and
 * then `boot_id` follow only when present (not `undefined`), so a record without
 * them serialises exactly as before they existed.
 *
 * @example
 * ```ts
 * serializeHeartbeat({ process_key: 'a', pid: 7, timestamp: 't', status: 'running', iteration: 1 });
 * // => '{"process_key": "a", "pid": 7, "timestamp": "t", "status": "running", "iteration": 1}'
 * serializeHeartbeat({ process_key: 'a', pid: 7, timestamp: 't', status: 'running', iteration: 1, pid_start_ticks: 99 });
 * // => '{"process_key": "a", "pid": 7, "timestamp": "t", "status": "running", "iteration": 1, "pid_start_ticks": 99}'
 * ```
 */
export function serializeHeartbeat(record: HeartbeatRecord): string {
  let json =
    `{"process_key": ${JSON.stringify(record.process_key)}, ` +
    `"pid": ${JSON.stringify(record.pid)}, ` +
    `"timestamp": ${JSON.stringify(record.timestamp)}, ` +
    `"status": ${JSON.stringify(record.status)}, ` +
    `"iteration": ${JSON.stringify(record.iteration)}`;
  if (record.pid_start_ticks !== undefined) json += `, "pid_start_ticks": ${JSON.stringify(record.pid_start_ticks)}`;
  if (record.boot_id !== undefined) json += `, "boot_id": ${JSON.stringify(record.boot_id)}`;
  return `${json}}`.replace(NON_ASCII, escapeNonAscii);
}
