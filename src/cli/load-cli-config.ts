import { checkStateLocations } from '../config/check-state-locations.js';
import { loadConfig, resolveConfigPath, type LoadedConfig } from '../config/load-config.js';
import type { FilesystemConfig, ProcessConfig, WatchdogConfig } from '../config/types.js';
import { ConfigError, WatchdogError } from '../errors.js';
import type { CliIo } from './io.js';

/**
 * Every command starts here: the config from `-c`, `$WATCHDOG_CONFIG` or `./config.json`,
 * validated, and the places it keeps its state and log checked as safe from other users.
 *
 * @param judgeMetrics also the metrics textfile's folder (`validate`). Other commands go on
 *   without it: a tick never stops supervising over its metrics, whose folder's owner may be
 *   another user (node_exporter's); it writes no metrics to an unsafe folder and logs why.
 */
export function loadCliConfig(
  configOption: string | undefined,
  io: Pick<CliIo, 'env' | 'cwd'>,
  judgeMetrics = false,
): LoadedConfig {
  const loaded = loadConfig(resolveConfigPath({ cliPath: configOption, env: io.env, cwd: io.cwd }));
  const problems = checkStateLocations(judgeMetrics ? loaded.config : { ...loaded.config, metrics: undefined });
  if (problems.length > 0) {
    throw new ConfigError(
      'CONFIG_UNSAFE',
      `the state, log or metrics locations of ${loaded.config.config_path} are not safe from other users; refusing to use them`,
      problems,
      {
        hint: 'tighten the permissions (chmod go-w, chown root), or set db_path, journal_path, lock_path, log_dir and metrics.textfile_path to folders only the watchdog user can write',
        warnings: loaded.warnings,
      },
    );
  }
  return loaded;
}

/**
 * The process of that key; refuses a key the config does not have, naming the ones it has,
 * and a file system entry's key, saying what works for it (`on`, `off`, `reset`, `history`,
 * `status`): there is no app to start, stop or restart.
 */
export function requireProcessKey(config: WatchdogConfig, key: string): ProcessConfig {
  const found = config.processes.find((process) => process.key === key);
  if (found !== undefined) return found;
  if (config.filesystems.some((filesystem) => filesystem.key === key))
    throw new WatchdogError('USAGE', `"${key}" is a file system entry (filesystems.${key}), not a process`, {
      hint: `there is no app to start or stop: its commands run when its check fails; \`watchdog on|off|reset ${key}\`, \`status ${key}\` and \`history ${key}\` work for it`,
    });
  const known = [...config.processes, ...config.filesystems].map((subject) => subject.key);
  throw new WatchdogError('UNKNOWN_PROCESS', `unknown process key "${key}"`, {
    hint: known.length === 0 ? 'the config has no processes' : `known keys: ${known.join(', ')}`,
  });
}

/** The file system entry of that key, or `undefined` when the key is not one. */
export function filesystemOfKey(config: WatchdogConfig, key: string | undefined): FilesystemConfig | undefined {
  return key === undefined ? undefined : config.filesystems.find((filesystem) => filesystem.key === key);
}
