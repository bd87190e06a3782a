import { createHmac } from 'node:crypto';

/**
 * The headers that let a receiver check a webhook came from a watchdog that knows the
 * shared secret, and is not a replay: `X-Watchdog-Timestamp` (Unix seconds when it was
 * sent) and `X-Watchdog-Signature: sha256=<hex>`, the HMAC-SHA256 with the secret as key
 * of `<timestamp>.<body>`, the body being exactly the bytes sent. Pure.
 *
 * @example
 * signatureHeadersOf('s3cret', 1767225600, Buffer.from('{}'));
 * // { 'x-watchdog-timestamp': '1767225600', 'x-watchdog-signature': 'sha256=…' }
 */
export function signatureHeadersOf(secret: string, timestampSeconds: number, body: Buffer): Record<string, string> {
  const timestamp = String(timestampSeconds);
  const hmac = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
  return { 'x-watchdog-timestamp': timestamp, 'x-watchdog-signature': `sha256=${hmac}` };
}
