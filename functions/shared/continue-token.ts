/**
 * The continue link's token: HMAC-signed, expiring, bound to one verification. Format `<exp>.<sig>`
 * where exp is Unix seconds and sig = base64url(HMAC-SHA256(key, "continue:<verificationId>:<exp>")).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

function mac(key: string, verificationId: string, exp: number): Buffer {
  return createHmac('sha256', key).update(`continue:${verificationId}:${exp}`).digest();
}

export function signContinueToken(key: string, verificationId: string, expiresAt: Date): string {
  const exp = Math.floor(expiresAt.getTime() / 1000);
  return `${exp}.${mac(key, verificationId, exp).toString('base64url')}`;
}

export type ContinueTokenCheck = 'valid' | 'invalid' | 'expired';

export function checkContinueToken(
  key: string,
  verificationId: string,
  token: string | undefined,
  now: Date,
): ContinueTokenCheck {
  const m = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token ?? '');
  if (!m) return 'invalid';
  const exp = Number(m[1]);
  const given = Buffer.from(m[2] as string, 'base64url');
  const expected = mac(key, verificationId, exp);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
  return now.getTime() / 1000 <= exp ? 'valid' : 'expired';
}
