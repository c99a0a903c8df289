/**
 * The continue link's token: HMAC-signed, expiring, bound to one verification **and one outcome**.
 * Format `<exp>.<sig>` where exp is Unix seconds and
 * sig = base64url(HMAC-SHA256(key, "continue:<verificationId>:<outcome>:<exp>")).
 * iDenfy sends the browser to one of three links (success, error, unverified); binding the outcome
 * means nobody can turn `error` into `success` by editing the link and get a document session (a paid
 * token) while iDenfy's denial is still on its way. A link signed without its outcome is invalid.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

function mac(key: string, message: string): Buffer {
  return createHmac('sha256', key).update(message).digest();
}

const message = (verificationId: string, outcome: string, exp: number) =>
  `continue:${verificationId}:${outcome}:${exp}`;

export function signContinueToken(
  key: string,
  verificationId: string,
  outcome: string,
  expiresAt: Date,
): string {
  const exp = Math.floor(expiresAt.getTime() / 1000);
  return `${exp}.${mac(key, message(verificationId, outcome, exp)).toString('base64url')}`;
}

export type ContinueTokenCheck = 'valid' | 'invalid' | 'expired';

export function checkContinueToken(
  key: string,
  verificationId: string,
  outcome: string | undefined,
  token: string | undefined,
  now: Date,
): ContinueTokenCheck {
  const m = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token ?? '');
  if (!m) return 'invalid';
  const exp = Number(m[1]);
  const given = Buffer.from(m[2] as string, 'base64url');
  if (outcome === undefined) return 'invalid';
  const expected = mac(key, message(verificationId, outcome, exp));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
  return now.getTime() / 1000 <= exp ? 'valid' : 'expired';
}
