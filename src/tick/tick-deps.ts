import type { NetworkConfig } from '../network/config/network-types.js';
import type { HeartbeatFileRead } from '../heartbeat/read-heartbeat-file.js';
import type { ReleaseLock } from '../lock/tick-lock.js';
import type { Logger } from '../logging/logger.js';
import type { NetworkSystem } from '../network/network-system.js';
import type { System } from '../system/system.js';
import type { ReadFilesystem } from './check-filesystem.js';

/** What a tick acts on: the machine, the heartbeats, the log, and (for testing) the lock, the network and the host name. */
export interface TickDeps {
  system: System;
  readHeartbeat: (path: string) => HeartbeatFileRead;
  logger: Logger;
  /** Takes the tick lock without waiting; `undefined` when another instance holds it. */
  acquireLock?: (lockPath: string, logger: Logger) => Promise<ReleaseLock | undefined>;
  /** For testing: the machine as the network ladder sees it (default: the real one, at `network.sysfs_root`). */
  networkSystem?: (network: NetworkConfig) => NetworkSystem;
  /** For testing: reads the file system holding a `filesystems` entry's folder (default the real one, `statfs` and mountinfo). */
  readFilesystem?: ReadFilesystem;
  /** For testing: the name events give as their host (default the machine's). */
  hostname?: string;
  /** Called once the tick holds the lock, before it checks anything: the dead man's switch's start ping. Must not throw. */
  onLockTaken?: (() => void) | undefined;
  /** Where notifications find the secrets the config refers to (default the watchdog's environment; `system.env` lacks them). */
  notifyEnv?: NodeJS.ProcessEnv;
  /** The package's version for `watchdog_build_info`, read only when the metrics are written (default: not known). */
  readVersion?: (() => string) | undefined;
}
