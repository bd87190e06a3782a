import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, describeError, systemErrorCode } from '../errors.js';
import type { FileOwnership } from '../system/file-trust.js';
import { findUnsafePath, processPathTrust, type PathTrust } from './check-state-locations.js';
import type { WatchdogConfig } from './types.js';
import { validateConfig } from './validate-config.js';

export interface LoadedConfig {
  config: WatchdogConfig;
  warnings: string[];
}

export interface ConfigLocation {
  /** `-c/--config` as given on the command line. */
  cliPath?: string | undefined;
  /** The environment, for `WATCHDOG_CONFIG`. */
  env: Record<string, string | undefined>;
  /** Where relative paths given on the command line start. */
  cwd: string;
}

/** The config file to use: `--config`, else `$WATCHDOG_CONFIG`, else `./config.json`; always absolute. */
export function resolveConfigPath({ cliPath, env, cwd }: ConfigLocation): string {
  const chosen = cliPath ?? (env.WATCHDOG_CONFIG || undefined) ?? 'config.json';
  return resolve(cwd, chosen);
}

/** The config file's text, and who may write it. */
export interface ConfigFile extends FileOwnership {
  text: string;
}

/**
 * Reads, parses, validates and resolves the config file. A file that users other than
 * root or the watchdog's user may change (its owner, a group other than the owner's
 * private one, everyone; or a folder it is in) is refused, as monit refuses a loose monitrc: the watchdog runs
 * its commands, often as root, so whoever can edit the config can run anything.
 *
 * @throws {ConfigError} with every problem found when the file is missing, unreadable, writable by others, or invalid.
 */
export function loadConfig(
  configPath: string,
  readFile: (path: string) => ConfigFile = readConfigFile,
  trust: PathTrust = processPathTrust(),
): LoadedConfig {
  let file: ConfigFile;
  try {
    file = readFile(configPath);
  } catch (error) {
    const code = systemErrorCode(error);
    if (code === 'ENOENT') {
      throw new ConfigError('CONFIG_MISSING', `config file not found: ${configPath}`, [], {
        hint: 'pass -c PATH, set WATCHDOG_CONFIG, or run from the folder that holds config.json',
        cause: error,
      });
    }
    throw new ConfigError('CONFIG_UNREADABLE', `cannot read config file ${configPath}: ${describeError(error)}`, [], {
      hint: code === 'EACCES' ? 'check the file permissions (the watchdog usually runs as root from cron)' : undefined,
      cause: error,
    });
  }

  const { text } = file;
  const unsafe = findUnsafePath(configPath, { ...trust, statPath: (path) => (path === configPath ? file : trust.statPath(path)) });
  if (unsafe !== undefined) {
    throw new ConfigError('CONFIG_UNSAFE', `config file ${configPath} can be changed by other users; refusing to use it`, [
      `${unsafe}: whoever can change the config can make the watchdog run any command`,
    ], { hint: 'make the config and its folders belong to root (or the watchdog\'s user) and not writable by others: chown root, chmod go-w' });
  }

  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError('CONFIG_INVALID', `config file ${configPath} is not valid JSON`, [describeJsonError(error, text)], {
      cause: error,
    });
  }

  const { config, errors, warnings } = validateConfig(data, configPath);
  if (config === undefined) {
    throw new ConfigError('CONFIG_INVALID', `config file ${configPath} is invalid`, errors, {
      hint: 'fix the problems listed, then run `watchdog validate`',
      warnings,
    });
  }
  return { config, warnings };
}

function readConfigFile(path: string): ConfigFile {
  const fd = openSync(path, 'r');
  try {
    const { mode, uid, gid } = fstatSync(fd);
    return { mode, uid, gid, text: readFileSync(fd, 'utf8') };
  } finally {
    closeSync(fd);
  }
}

/** JSON.parse's message, with the line and column when it names a position. */
function describeJsonError(error: unknown, text: string): string {
  const message = describeError(error);
  const position = /position (\d+)/.exec(message)?.[1];
  if (position === undefined) return message;
  const before = text.slice(0, Number(position));
  const line = before.split('\n').length;
  const column = Number(position) - before.lastIndexOf('\n');
  return `line ${line}, column ${column}: ${message}`;
}
