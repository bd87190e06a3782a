import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { decideOutputExitCode, finishOutput } from '../../src/cli/finish-output.js';
import { createStreamOutput } from '../../src/cli/stream-output.js';

/** A stream whose reader takes `delayMs` per chunk, or fails every write with `failWith`. */
function slowStream(delayMs: number, failWith?: NodeJS.ErrnoException): { stream: Writable; received: () => string } {
  let received = '';
  const stream = new Writable({
    highWaterMark: 16,
    write(chunk: Buffer, _encoding, callback) {
      setTimeout(() => {
        if (failWith !== undefined) {
          callback(failWith);
          return;
        }
        received += chunk.toString('utf8');
        callback();
      }, delayMs);
    },
  });
  return { stream, received: () => received };
}

function systemError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`write ${code}`), { code, syscall: 'write' });
}

describe('createStreamOutput', () => {
  it('opens the stream only when something is written', async () => {
    let opened = 0;
    const output = createStreamOutput(() => {
      opened += 1;
      return slowStream(0).stream;
    });
    await output.flush();
    assert.equal(opened, 0, 'a command that prints nothing never opens standard output');
    output.write('a\n');
    output.write('b\n');
    assert.equal(opened, 1);
  });

  it('flush waits until a slow reader has taken every byte, in order', async () => {
    const { stream, received } = slowStream(2);
    const output = createStreamOutput(() => stream);
    const lines = Array.from({ length: 200 }, (_, index) => `line ${index}\n`);
    for (const line of lines) output.write(line);
    assert.notEqual(received(), lines.join(''), 'precondition: the reader is behind when flush is called');
    await output.flush();
    assert.equal(received(), lines.join(''));
    assert.equal(output.failure(), undefined);
  });

  it('keeps a write error instead of throwing, drops what follows, and flush still resolves', async () => {
    const { stream } = slowStream(1, systemError('EPIPE'));
    const output = createStreamOutput(() => stream);
    output.write('first\n');
    await output.flush();
    assert.equal((output.failure() as NodeJS.ErrnoException | undefined)?.code, 'EPIPE');
    output.write('after the reader left\n');
    await output.flush();
  });
});

describe('decideOutputExitCode', () => {
  const epipe = systemError('EPIPE');
  const enospc = systemError('ENOSPC');
  const cases: [string, number, { stdout?: Error; stderr?: Error }, number][] = [
    ['everything written', 0, {}, 0],
    ['the reader of stdout left early (| head -1)', 0, { stdout: epipe }, 0],
    ['the reader of stderr left early', 0, { stderr: epipe }, 0],
    ['stdout on a full disk', 0, { stdout: enospc }, 1],
    ['stderr on a full disk', 0, { stderr: enospc }, 1],
    ['a failed command keeps its code, reader gone or not', 2, { stdout: epipe }, 2],
    ['a failed command keeps its code when output is lost too', 78, { stderr: enospc }, 78],
  ];
  for (const [name, code, failures, expected] of cases) {
    it(name, () => assert.equal(decideOutputExitCode(code, failures), expected));
  }
});

describe('finishOutput', () => {
  it('says on stderr that stdout lost output, and exits 1', async () => {
    const stdout = createStreamOutput(() => slowStream(0, systemError('ENOSPC')).stream);
    const err = slowStream(0);
    const stderr = createStreamOutput(() => err.stream);
    stdout.write('{"processes": []}\n');
    assert.equal(await finishOutput(0, { stdout, stderr }), 1);
    assert.equal(err.received(), 'watchdog: standard output could not be written, some of it is lost: write ENOSPC\n');
  });

  it('says nothing when the reader of stdout left, and keeps the code', async () => {
    const stdout = createStreamOutput(() => slowStream(0, systemError('EPIPE')).stream);
    const err = slowStream(0);
    const stderr = createStreamOutput(() => err.stream);
    stdout.write('x\n');
    assert.equal(await finishOutput(0, { stdout, stderr }), 0);
    assert.equal(err.received(), '');
  });
});
