import type { LookupUser } from '../system/lookup-user.js';
import { isPlainObject } from '../json/json-shape.js';
import { userProblem } from './check-config-rules.js';
import { BUILT_IN_ACTIONS } from './defaults.js';
import { commandsOf } from './commands-of.js';

/** What a file system entry checks: at least one must be set, or the entry checks nothing. */
const CHECKS = ['min_free_mb', 'min_free_percent', 'fail_if_read_only'] as const;

/**
 * Rules of the `filesystems` section the schema cannot express, each as `path: message`:
 * an entry checks something; its recovery runs only its own commands (no `kill`, `start` or
 * wake-up: there is no app to stop or start); its user exists; and its key is no process's,
 * as the audit log keys the rows of both by it (`on`, `off`, `history` name either).
 */
export function checkFilesystemRules(data: Record<string, unknown>, lookupUser: LookupUser): string[] {
  const filesystems = data.filesystems;
  if (!isPlainObject(filesystems)) return [];
  const processes = isPlainObject(data.processes) ? data.processes : {};
  const errors: string[] = [];
  for (const [key, raw] of Object.entries(filesystems)) {
    const at = `filesystems.${key}`;
    if (Object.hasOwn(processes, key))
      errors.push(
        `${at}: the key "${key}" is also a process (processes.${key}); keys name rows of the audit log, so each must be unique across processes and filesystems`,
      );
    if (!isPlainObject(raw)) continue;
    if (!CHECKS.some((check) => raw[check] !== undefined))
      errors.push(`${at}: checks nothing; set min_free_mb, min_free_percent or fail_if_read_only`);
    if (raw.wake_on_lan !== undefined)
      errors.push(`${at}.wake_on_lan: a file system's recovery runs only its commands; wake-ups are for processes`);
    const commands = commandsOf({ commands: raw.commands });
    for (const name of Object.keys(commands)) {
      if (BUILT_IN_ACTIONS.includes(name))
        errors.push(`${at}.commands.${name}: "${name}" is a process's built-in action; give the command another name`);
    }
    if (Array.isArray(raw.recovery_actions)) {
      raw.recovery_actions.forEach((action: unknown, index) => {
        if (typeof action !== 'string' || action === '') return;
        const where = `${at}.recovery_actions[${index}]`;
        if (BUILT_IN_ACTIONS.includes(action))
          errors.push(`${where}: "${action}" is for processes; a file system's recovery runs only its commands`);
        else if (!Object.hasOwn(commands, action))
          errors.push(`${where}: action "${action}" has no command (add commands.${action}, or remove the action)`);
      });
    }
    if (typeof raw.user === 'string' && raw.user !== '') {
      const problem = userProblem(raw.user, lookupUser);
      if (problem !== undefined) errors.push(`${at}.user: ${problem}`);
    }
    if (typeof raw.path === 'string' && raw.path.includes('\0'))
      errors.push(`${at}.path: must not contain a NUL byte (no folder has such a name)`);
  }
  return errors;
}
