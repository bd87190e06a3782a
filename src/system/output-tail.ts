/**
 * Keeps the last `limitBytes` bytes of a stream of chunks, so a command that prints
 * without end costs a bounded amount of memory (the limit plus one chunk at most).
 */
export class OutputTail {
  readonly #limitBytes: number;
  readonly #chunks: Buffer[] = [];
  #keptBytes = 0;
  #droppedBytes = false;

  /** @throws RangeError unless `limitBytes` is a whole number of bytes, 0 or more. */
  constructor(limitBytes: number) {
    if (!Number.isSafeInteger(limitBytes) || limitBytes < 0)
      throw new RangeError(`a tail of ${limitBytes} bytes cannot be kept`);
    this.#limitBytes = limitBytes;
  }

  /** Adds what was just received, forgetting what no longer fits. */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (chunk.length > this.#limitBytes) {
      // A copy, so the large buffer the slice came from can be freed.
      chunk = Buffer.from(chunk.subarray(chunk.length - this.#limitBytes));
      this.#droppedBytes = true;
    }
    this.#chunks.push(chunk);
    this.#keptBytes += chunk.length;
    // Whole chunks go once the ones after them hold the limit on their own.
    let first = this.#chunks[0];
    while (first !== undefined && this.#keptBytes - first.length >= this.#limitBytes) {
      this.#chunks.shift();
      this.#keptBytes -= first.length;
      this.#droppedBytes = true;
      first = this.#chunks[0];
    }
  }

  /** The kept bytes (at most the limit), decoded as UTF-8. */
  text(): string {
    const bytes = Buffer.concat(this.#chunks, this.#keptBytes);
    const tail = bytes.subarray(Math.max(0, bytes.length - this.#limitBytes));
    return decodeTail(tail, this.#droppedBytes || tail.length < bytes.length);
  }
}

/**
 * Decodes the end of some UTF-8 output. When the start was cut off (`truncated`), the
 * cut may have split a character: its stray continuation bytes are dropped rather than
 * shown as a replacement character.
 */
export function decodeTail(bytes: Buffer, truncated: boolean): string {
  let start = 0;
  // A UTF-8 character has at most three continuation bytes (10xxxxxx).
  while (truncated && start < 3 && start < bytes.length && ((bytes[start] ?? 0) & 0xc0) === 0x80) start += 1;
  return bytes.subarray(start).toString('utf8');
}
