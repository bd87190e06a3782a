import type { Logger } from '../../src/logging/logger.js';

/** A Logger that keeps every line as `<level> <message>`, for tests to read. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (message: string) => lines.push(`${level} ${message}`);
  return { lines, error: push('error'), warn: push('warn'), info: push('info'), debug: push('debug') };
}
