import { closeSync, constants, fstatSync, readFileSync, readlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, describeError, systemErrorCode } from '../errors.js';
import type { FileOwnership } from '../system/file-trust.js';
import { PROCESS_LINK_TRUST, openFileSafely } from '../system/open-file-safely.js';
import { checkDuplicateKeys } from './check-duplicate-keys.js';
import { findUnsafePath } from '../system/find-unsafe-path.js';
import { processPathTrust, type PathTrust } from '../system/path-trust.js';
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
  /** Where the file really is, when a trusted link led there; its folders are judged, not the link's. */
  realPath?: string | undefined;
}

/**
 * Reads, parses, validates and resolves the config file. A file that users other than
 * root or the watchdog's user may change (its owner, a group other than the owner's
 * private one, everyone; or a folder it is in) is refused, as monit refuses a loose monitrc: the watchdog runs
 * its commands, often as root, so whoever can edit the config can run anything. A key
 * written twice is a problem too (JSON.parse would keep the last without a word), reported
 * with the others, and so are the problems of the value it dropped.
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
    if (code === 'EUNSAFEPATH') {
      throw new ConfigError(
        'CONFIG_UNSAFE',
        `config file ${configPath} can be redirected by other users; refusing to use it`,
        [describeError(error)],
        {
          hint: "name the config by a path whose folders and links belong to root (or the watchdog's user)",
          cause: error,
        },
      );
    }
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
  const where = file.realPath ?? configPath;
  const unsafe = findUnsafePath(where, {
    ...trust,
    statPath: (path) => (path === where ? file : trust.statPath(path)),
  });
  if (unsafe !== undefined) {
    throw new ConfigError(
      'CONFIG_UNSAFE',
      `config file ${configPath} can be changed by other users; refusing to use it`,
      [`${unsafe}: whoever can change the config can make the watchdog run any command`],
      {
        hint: "make the config and its folders belong to root (or the watchdog's user) and not writable by others: chown root, chmod go-w",
      },
    );
  }

  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      'CONFIG_INVALID',
      `config file ${configPath} is not valid JSON`,
      [describeJsonError(error, text)],
      {
        cause: error,
      },
    );
  }

  const { config, errors: schemaErrors, warnings } = validateConfig(data, configPath);
  const errors = [
    ...checkDuplicateKeys(text, data, (variant) => validateConfig(variant, configPath).errors),
    ...schemaErrors,
  ];
  if (config === undefined || errors.length > 0) {
    throw new ConfigError('CONFIG_INVALID', `config file ${configPath} is invalid`, errors, {
      hint: 'fix the problems listed, then run `watchdog validate`',
      warnings,
    });
  }
  return { config, warnings };
}

/** The config file, never through a link that others could have planted. */
function readConfigFile(path: string): ConfigFile {
  const fd = openFileSafely(path, { flags: constants.O_RDONLY, trust: PROCESS_LINK_TRUST, followTrustedLink: true });
  try {
    const { mode, uid, gid } = fstatSync(fd);
    return { mode, uid, gid, text: readFileSync(fd, 'utf8'), realPath: readlinkSync(`/proc/self/fd/${fd}`) };
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
