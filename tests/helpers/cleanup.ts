import { after } from 'node:test';

const pending: (() => unknown)[] = [];

/**
 * Runs `step` when the current test ends, in reverse order of registration, so a
 * process started in a temp folder is stopped before the folder is removed. Every
 * pending step runs even when one fails; the first failure is rethrown.
 */
export function onCleanup(step: () => unknown): void {
  pending.push(step);
  // Each hook runs after the test that registered it; the first to run does all the pending steps.
  after(runPendingSteps);
}

async function runPendingSteps(): Promise<void> {
  let failure: unknown;
  for (let step = pending.pop(); step !== undefined; step = pending.pop()) {
    try {
      await step();
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure !== undefined) throw failure;
}
