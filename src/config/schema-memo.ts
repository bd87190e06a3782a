import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemaMemoFolder } from './schema-validator.js';

/**
 * Remembers the text of a config file that last passed the schema, so that a tick whose config
 * has not changed does not load the schema's validator again: in the bundled binary the
 * validator is a third of the code a tick would otherwise read and restore (BENCHMARKS.md).
 * Only the schema is skipped: every other rule is checked and the config is resolved at every
 * load.
 */
export interface SchemaMemo {
  /** Whether `text` is, byte for byte, the text that last passed the schema. */
  holds(text: string): boolean;
  /** Remembers that `text` passed the schema. */
  remember(text: string): void;
}

/** No memory: every config is checked against the schema. */
export const NO_SCHEMA_MEMO: SchemaMemo = {
  holds: () => false,
  remember: () => undefined,
};

/**
 * The memo of the config file at `configPath`, kept in `folder` as a copy of its text (one
 * file per config file, named by a hash of its path). The folder belongs with the validator it
 * vouches for and is trusted as that code is: whoever can write there can change the
 * validator too. Anything wrong with the copy (missing, unreadable, another text) means "not
 * known to pass", the safe answer; and a memo that cannot be written (a read-only install, a
 * full disk) costs only the validation. So neither is an error.
 *
 * @example
 * const memo = fileSchemaMemo('/usr/lib/node_modules/watchdog/dist/cli/config-schema-passed-0a1b2c3d4e5f6a7b', '/etc/watchdog/config.json');
 * if (!memo.holds(text)) { checkSchema(text); memo.remember(text); }
 */
export function fileSchemaMemo(folder: string, configPath: string): SchemaMemo {
  const path = join(folder, `${hashPath(configPath)}.json`);
  return {
    holds(text) {
      try {
        return readFileSync(path, 'utf8') === text;
      } catch {
        // See above: not known to pass.
        return false;
      }
    },
    remember(text) {
      // Renamed into place, so a reader sees a whole text, never one being written.
      const temporary = `${path}.${process.pid}`;
      try {
        mkdirSync(folder, { recursive: true, mode: 0o755 });
        writeFileSync(temporary, text, { mode: 0o644 });
        renameSync(temporary, path);
      } catch {
        // See above: not remembered. A leftover that cannot be removed either is left.
        try {
          rmSync(temporary, { force: true });
        } catch {
          // See above.
        }
      }
    },
  };
}

/** The memo of the validator this build has for the config file at `configPath`: none unless it is the bundled binary's. */
export function builtSchemaMemo(configPath: string): SchemaMemo {
  const folder = schemaMemoFolder();
  return folder === undefined ? NO_SCHEMA_MEMO : fileSchemaMemo(folder, configPath);
}

/**
 * FNV-1a over the path's UTF-16 code units, as 8 hex digits: a file name for each config
 * path without loading node:crypto. Two paths that share a name only take turns: the text
 * is compared whole.
 */
function hashPath(path: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < path.length; index += 1) {
    hash ^= path.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
