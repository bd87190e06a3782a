import { loadConfig, resolveConfigPath, type LoadedConfig } from '../config/load-config.js';
import type { ProcessConfig, WatchdogConfig } from '../config/types.js';
import { WatchdogError } from '../errors.js';
import type { CliIo } from './io.js';

/** Every command starts here: the config from `-c`, `$WATCHDOG_CONFIG` or `./config.json`, validated. */
export function loadCliConfig(configOption: string | undefined, io: Pick<CliIo, 'env' | 'cwd'>): LoadedConfig {
  return loadConfig(resolveConfigPath({ cliPath: configOption, env: io.env, cwd: io.cwd }));
}

/** The process of that key; refuses a key the config does not have, naming the ones it has. */
export function requireProcessKey(config: WatchdogConfig, key: string): ProcessConfig {
  const found = config.processes.find((process) => process.key === key);
  if (found !== undefined) return found;
  const known = config.processes.map((process) => process.key);
  throw new WatchdogError('UNKNOWN_PROCESS', `unknown process key "${key}"`, {
    hint: known.length === 0 ? 'the config has no processes' : `known keys: ${known.join(', ')}`,
  });
}
