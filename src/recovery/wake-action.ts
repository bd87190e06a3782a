import type { System } from '../system/system.js';
import { formatUtcTimestamp } from '../time/format-utc-timestamp.js';
import { actionResult, type ActionResult } from './action-result.js';
import type { ActionPlan } from './plan-recovery.js';

type WakePlan = Extract<ActionPlan, { kind: 'wol' }>;

/**
 * A Wake-on-LAN action: wakes a machine the app needs (a NAS, a PC behind a KVM) before it
 * is started. It fails only when the packet cannot be sent; whether the machine woke is
 * for the start (or the next check) to find out.
 */
export async function runWakeAction(plan: WakePlan, system: System): Promise<ActionResult> {
  const startedMs = system.monotonicMs();
  const sent = await system.sendMagicPacket(plan.target);
  return actionResult({
    action: plan.action,
    outcome: sent.ok ? 'ok' : 'failed',
    startedAt: formatUtcTimestamp(new Date(startedMs)),
    durationMs: system.monotonicMs() - startedMs,
    detail: sent.detail,
  });
}
