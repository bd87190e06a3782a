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
 * @example
 * ```ts
 * serializeHeartbeat({ process_key: 'a', pid: 7, timestamp: 't', status: 'running', iteration: 1 });
 * // => '{"process_key": "a", "pid": 7, "timestamp": "t", "status": "running", "iteration": 1}'
 * ```
 */
export function serializeHeartbeat(record: HeartbeatRecord): string {
  const json =
    `{"process_key": ${JSON.stringify(record.process_key)}, ` +
    `"pid": ${JSON.stringify(record.pid)}, ` +
    `"timestamp": ${JSON.stringify(record.timestamp)}, ` +
    `"status": ${JSON.stringify(record.status)}, ` +
    `"iteration": ${JSON.stringify(record.iteration)}}`;
  return json.replace(NON_ASCII, escapeNonAscii);
}
