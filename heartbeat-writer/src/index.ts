export { HeartbeatWriter } from './heartbeat-writer.js';
export type { HeartbeatWriterOptions } from './heartbeat-writer.js';
export type { HeartbeatRecord } from './heartbeat-record.js';
