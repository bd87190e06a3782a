import { isPlainObject } from '../json/json-shape.js';

/**
 * A process's commands: `startup_command` → `start`, `cleanup_script` → `clear_db`, and
 * `commands` on top (the new keys win when both are given). Tolerant of values of the
 * wrong type (the schema reports those), so the cross-field rules can run on any input.
 */
export function commandsOf(raw: {
  commands?: unknown;
  startup_command?: unknown;
  cleanup_script?: unknown;
}): Record<string, string> {
  const commands: Record<string, string> = {};
  if (typeof raw.startup_command === 'string' && raw.startup_command !== '') commands.start = raw.startup_command;
  if (typeof raw.cleanup_script === 'string' && raw.cleanup_script !== '') commands.clear_db = raw.cleanup_script;
  if (isPlainObject(raw.commands)) {
    for (const [name, command] of Object.entries(raw.commands)) {
      // defineProperty, not assignment: a command named `__proto__` must stay a command.
      if (typeof command === 'string')
        Object.defineProperty(commands, name, { value: command, enumerable: true, writable: true, configurable: true });
    }
  }
  return commands;
}
