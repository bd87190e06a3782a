import { escapeUntrustedLine } from '../../display/escape-untrusted.js';
import type { NetworkTickOutcome } from '../run-network-tick.js';

/**
 * What the network part of a tick found and did, a line each, for `check --verbose`; escaped
 * to one line each ({@link escapeUntrustedLine}): a rung's detail holds what its command or
 * the system said.
 */
export function formatNetworkTick(outcome: NetworkTickOutcome): string[] {
  const { verdict } = outcome;
  const lines = [`network ${outcome.interface}: ${verdict.state}: ${verdict.reason}`];
  if (outcome.decision.kind === 'wait') lines.push(`  ladder: not now: ${outcome.decision.reason}`);
  if (outcome.ladder !== undefined) {
    for (const rung of outcome.ladder.rungs) {
      lines.push(
        `  rung ${rung.rung}: ${rung.detail}; link then ${rung.verdict.state}${rung.healed ? ' (healed)' : ''}`,
      );
    }
    lines.push(
      outcome.ladder.outcome === 'healed'
        ? `  ladder: healed by ${outcome.ladder.healedBy}`
        : `  ladder: ${outcome.ladder.outcome}`,
    );
  }
  lines.push(...formatRebootLines(outcome).map((line) => `  ${line}`));
  return lines.map(escapeUntrustedLine);
}

/** The reboot decision after a failed ladder run, if there was one, escaped to one line (it goes to stderr too). */
export function formatRebootLines(outcome: NetworkTickOutcome): string[] {
  const decision = outcome.rebootDecision;
  if (decision === undefined) return [];
  if (decision.kind === 'hold') return [escapeUntrustedLine(`reboot: held by ${decision.guard}: ${decision.reason}`)];
  if (outcome.reboot === undefined) return [];
  return [
    escapeUntrustedLine(
      `reboot: ${outcome.reboot.commandOk ? 'requested' : 'command failed'}: ${outcome.reboot.reason}; ${outcome.reboot.detail}`,
    ),
  ];
}
