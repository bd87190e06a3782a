// The README's "Try it", run as a new user runs it: the example config.json in a folder of
// its own, the first command's tick in a terminal, then every step of the block in order.
// Each step's comment is what it prints: the parts between "..." appear in its output, in
// that order (white space runs count as one space). The demo app is started and stopped by
// the watchdog inside a PID namespace, so nothing outside it can be signalled.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startPidNamespace } from '../helpers/pid-namespace.js';
import { runInTerminal } from '../helpers/run-in-terminal.js';
import { WATCHDOG_BIN } from '../helpers/run-watchdog.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

interface Step {
  readonly args: string[];
  readonly shows: string[];
}

/** The steps of the first sh block after "## Try it": `npx watchdog ARGS  # SHOWS`. */
function tryItSteps(): Step[] {
  const section = README.slice(README.indexOf('## Try it'));
  const block = /```sh\n([\s\S]*?)\n```/.exec(section)?.[1];
  assert.ok(block !== undefined, 'README has a "Try it" block');
  return block.split('\n').map((line) => {
    const match = /^npx watchdog (.*?)\s+# (.*)$/.exec(line);
    assert.ok(match?.[1] !== undefined && match[2] !== undefined, `a step with a comment: ${line}`);
    return {
      args: match[1].split(/\s+/),
      shows: match[2]
        .split('...')
        .map(oneSpaced)
        .filter((part) => part !== ''),
    };
  });
}

function oneSpaced(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Whether each part occurs in `output`, in order. */
function missingPart(output: string, parts: readonly string[]): string | undefined {
  let from = 0;
  for (const part of parts) {
    const at = output.indexOf(part, from);
    if (at < 0) return part;
    from = at + part.length;
  }
  return undefined;
}

describe('the README "Try it"', () => {
  it('prints at every step what its comment says, after the first command ran a tick', async () => {
    assert.ok(README.includes('npm install && npx watchdog check'), 'the first command runs one tick');
    const dir = makeTempDir('watchdog-try-it-');
    copyFileSync(join(ROOT, 'config.json'), join(dir, 'config.json'));
    // The demo app's start command names it relative to the config's folder, as in a clone.
    symlinkSync(join(ROOT, 'heartbeat-writer'), join(dir, 'heartbeat-writer'));
    const ns = await startPidNamespace();
    const run = (args: readonly string[]) =>
      ns.run([process.execPath, WATCHDOG_BIN, ...args], { cwd: dir, env: { NO_COLOR: '1' } });

    // The first command's tick, typed in a terminal: it records a failure and starts nothing.
    const said = /in a terminal it said\s+`([^`]+)`/.exec(README)?.[1];
    assert.ok(said !== undefined, 'the README says what the first command printed');
    const first = await runInTerminal(['check'], { cwd: dir, env: { NO_COLOR: '1' } });
    assert.equal(first.code, 0, first.screen);
    assert.equal(first.screen.trim(), said);
    const steps = tryItSteps();
    assert.ok(steps.length >= 6, 'the block has its steps');
    for (const step of steps) {
      const result = await run(step.args);
      const output = oneSpaced(`${result.stdout}\n${result.stderr}`);
      assert.equal(result.code, 0, `watchdog ${step.args.join(' ')} exits 0:\n${output}`);
      const missing = missingPart(output, step.shows);
      assert.equal(
        missing,
        undefined,
        `watchdog ${step.args.join(' ')} prints "${String(missing)}" as the README says; it printed:\n${result.stdout}${result.stderr}`,
      );
    }
  });
});
