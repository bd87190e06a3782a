import { readSync } from 'node:fs';

/** A heartbeat's limit (64 KiB) and one byte more, to tell a larger file; far more than a procfs stat or status. */
export const SCRATCH_BYTES = 64 * 1024 + 1;

let scratch: Buffer | undefined;

/**
 * Reads `fd` to its end, or to `limit` bytes, into one buffer that every such read of the
 * run shares: a fresh buffer per file (readFileSync allocates 64 KiB for a procfs file,
 * whose size it cannot know) was most of what a tick of a thousand processes allocated.
 * Reads are synchronous, so no two use the buffer at once; the bytes returned are valid
 * until the next call.
 *
 * @param limit at most `SCRATCH_BYTES`; a result of exactly `limit` bytes may be a file cut short.
 */
export function readToScratch(fd: number, limit: number = SCRATCH_BYTES): Buffer {
  const buffer = (scratch ??= Buffer.allocUnsafe(SCRATCH_BYTES));
  const end = Math.min(limit, SCRATCH_BYTES);
  let length = 0;
  while (length < end) {
    const count = readSync(fd, buffer, length, end - length, null);
    if (count === 0) break;
    length += count;
  }
  return buffer.subarray(0, length);
}
