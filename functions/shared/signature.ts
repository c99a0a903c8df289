/** iDenfy's webhook signature: lowercase hex HMAC-SHA256 of the raw body (docs/idenfy-api.md §5). */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function signBody(body: Buffer | string, key: string): string {
  return createHmac('sha256', key).update(body).digest('hex');
}

/** Constant-time check; false for a missing, non-hex or wrong-length header. */
export function isValidSignature(body: Buffer, header: string | undefined, key: string): boolean {
  if (!header) return false;
  const given = header.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(given)) return false;
  const expected = createHmac('sha256', key).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}
