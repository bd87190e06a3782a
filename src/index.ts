/** The watchdog as a library: load a config, run a tick, read the audit log. */
export { loadConfig, resolveConfigPath } from './config/load-config.js';
export { validateConfig } from './config/validate-config.js';
export type { WatchdogConfig, ProcessConfig, RawConfig, RawProcessConfig } from './config/types.js';
export { ConfigError, WatchdogError } from './errors.js';
export { classifyHeartbeat, type HealthVerdict } from './heartbeat/classify-heartbeat.js';
export { HEALTH_STATES, type HealthState } from './heartbeat/health-state.js';
export { parseHeartbeat, type Heartbeat } from './heartbeat/parse-heartbeat.js';
export { readHeartbeatFile } from './heartbeat/read-heartbeat-file.js';
export { runCheckTick } from './tick/run-check-tick.js';
export type { TickOutcome } from './tick/tick-outcome.js';
